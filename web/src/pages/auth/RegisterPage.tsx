import { useState, type FormEvent } from "react";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router";
import { register } from "../../api";
import { safeNext, useAuth } from "../../auth/AuthContext";
import { PasswordField, TextField } from "../../components/Field";
import { FormError } from "../../components/States";
import { useToast } from "../../components/Toast";
import { fieldErrorsOf, formLevelError } from "../../lib/forms";
import { useTitle } from "../../lib/useTitle";

export default function RegisterPage() {
  useTitle("Create an account");
  const { login, status } = useAuth();
  const { notify } = useToast();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNext(params.get("next"));
  const [email, setEmail] = useState("");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  if (status === "authenticated" && !busy) return <Navigate to={next} replace />;

  const validate = () => {
    const errs: Record<string, string> = {};
    if (!/^\S+@\S+\.\S+$/.test(email.trim())) errs.email = "Enter a valid e-mail address.";
    if (!/^[A-Za-z0-9_]{3,30}$/.test(username.trim())) errs.username = "3–30 letters, numbers or underscores.";
    if (password.length < 8) errs.password = "Use at least 8 characters.";
    else if (password.length > 128) errs.password = "Use at most 128 characters.";
    setLocalErrors(errs);
    return Object.keys(errs).length === 0;
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!validate()) return;
    setBusy(true);
    try {
      await register({ email: email.trim(), username: username.trim(), password });
      try {
        await login(email.trim(), password);
        notify("Welcome! Check your inbox to verify your e-mail address.");
        navigate(next, { replace: true });
      } catch {
        notify("Account created. Please log in.");
        navigate(`/login?next=${encodeURIComponent(next)}`, { replace: true });
      }
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const fe = { ...localErrors, ...fieldErrorsOf(error) };
  return (
    <div className="page auth-page">
      <div className="card auth-card">
        <h1>Create your account</h1>
        <p className="muted">Buy personas, or publish your own and get paid.</p>
        <form onSubmit={onSubmit} noValidate>
          <FormError error={formLevelError(error, ["email", "username", "password"])} />
          <TextField label="E-mail" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} error={fe.email} />
          <TextField
            label="Username"
            autoComplete="username"
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            error={fe.username}
            hint="3–30 letters, numbers or underscores. Shown on your public creator page."
          />
          <PasswordField
            label="Password"
            autoComplete="new-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={fe.password}
            hint="At least 8 characters. A short sentence works well."
          />
          <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
            {busy ? "Creating account…" : "Create account"}
          </button>
        </form>
        <div className="auth-links">
          <span>
            Already have an account? <Link to={`/login${params.get("next") ? `?next=${encodeURIComponent(next)}` : ""}`}>Log in</Link>
          </span>
        </div>
      </div>
    </div>
  );
}
