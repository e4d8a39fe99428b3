import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { confirmPasswordReset, requestPasswordReset } from "../../api";
import { PasswordField, TextField } from "../../components/Field";
import { FormError } from "../../components/States";
import { fieldErrorsOf, formLevelError } from "../../lib/forms";
import { useTitle } from "../../lib/useTitle";

export default function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get("token");
  useTitle(token ? "Choose a new password" : "Reset your password");
  return <div className="page auth-page">{token ? <ConfirmForm token={token} /> : <RequestForm />}</div>;
}

function RequestForm() {
  const [email, setEmail] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await requestPasswordReset(email.trim());
      setSent(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const fe = fieldErrorsOf(error);
  return (
    <div className="card auth-card">
      <h1>Reset your password</h1>
      {sent ? (
        <div role="status">
          <p>If an account exists for <strong>{email}</strong>, we've sent a link to reset the password. It expires soon, so use it quickly.</p>
          <Link to="/login">Back to log in</Link>
        </div>
      ) : (
        <>
          <p className="muted">Enter your e-mail address and we'll send you a link to choose a new password.</p>
          <form onSubmit={onSubmit} noValidate>
            <FormError error={formLevelError(error, ["email"])} />
            <TextField label="E-mail" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} error={fe.email} />
            <button type="submit" className="btn btn-primary btn-block" disabled={busy || !email.trim()}>
              {busy ? "Sending…" : "Send reset link"}
            </button>
          </form>
          <div className="auth-links">
            <Link to="/login">Back to log in</Link>
          </div>
        </>
      )}
    </div>
  );
}

function ConfirmForm({ token }: { token: string }) {
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [localError, setLocalError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (password.length < 8) {
      setLocalError("Use at least 8 characters.");
      return;
    }
    setLocalError(undefined);
    setBusy(true);
    try {
      await confirmPasswordReset(token, password);
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const fe = fieldErrorsOf(error);
  return (
    <div className="card auth-card">
      <h1>Choose a new password</h1>
      {done ? (
        <div role="status">
          <p className="success-text">Your password has been changed.</p>
          <Link className="btn btn-primary" to="/login">
            Log in
          </Link>
        </div>
      ) : (
        <form onSubmit={onSubmit} noValidate>
          <FormError error={formLevelError(error, ["password"])} />
          <PasswordField
            label="New password"
            autoComplete="new-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={localError ?? fe.password}
            hint="At least 8 characters."
          />
          <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
            {busy ? "Saving…" : "Set new password"}
          </button>
        </form>
      )}
    </div>
  );
}
