import { useState, type FormEvent } from "react";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router";
import { safeNext, useAuth } from "../../auth/AuthContext";
import { PasswordField, TextField } from "../../components/Field";
import { FormError } from "../../components/States";
import { fieldErrorsOf, formLevelError } from "../../lib/forms";
import { useTitle } from "../../lib/useTitle";

export default function LoginPage() {
  useTitle("Log in");
  const { login, status } = useAuth();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNext(params.get("next"));
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  if (status === "authenticated" && !busy) return <Navigate to={next} replace />;

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(email.trim(), password);
      navigate(next, { replace: true });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const fe = fieldErrorsOf(error);
  return (
    <div className="page auth-page">
      <div className="card auth-card">
        <h1>Welcome back</h1>
        <p className="muted">Log in to buy, download and sell personas.</p>
        <form onSubmit={onSubmit} noValidate>
          <FormError error={formLevelError(error, ["email", "password"])} />
          <TextField label="E-mail" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} error={fe.email} />
          <PasswordField
            label="Password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={fe.password}
          />
          <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
            {busy ? "Logging in…" : "Log in"}
          </button>
        </form>
        <div className="auth-links">
          <Link to="/reset-password">Forgot your password?</Link>
          <span>
            New here? <Link to={`/register${params.get("next") ? `?next=${encodeURIComponent(next)}` : ""}`}>Create an account</Link>
          </span>
        </div>
      </div>
    </div>
  );
}
