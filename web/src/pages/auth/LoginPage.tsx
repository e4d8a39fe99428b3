import { useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router";
import { safeNext, useAuth } from "../../auth/AuthContext";
import { PasswordField, TextField } from "../../components/Field";
import { FormError } from "../../components/States";
import { fieldMessage, formLevelError } from "../../lib/forms";
import { useTitle } from "../../lib/useTitle";

const loginSchema = z.object({
  email: z.string().trim().min(1, "Enter your e-mail address."),
  password: z.string().min(1, "Enter your password."),
});
type LoginValues = z.infer<typeof loginSchema>;

export default function LoginPage() {
  useTitle("Log in");
  const { login, status } = useAuth();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNext(params.get("next"));
  const form = useForm<LoginValues>({ resolver: zodResolver(loginSchema), defaultValues: { email: "", password: "" } });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  if (status === "authenticated" && !busy) return <Navigate to={next} replace />;

  const onSubmit = async ({ email, password }: LoginValues) => {
    setBusy(true);
    setError(null);
    try {
      await login(email, password);
      navigate(next, { replace: true });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const message = (name: keyof LoginValues) => fieldMessage(form.formState.errors, error, name);
  return (
    <div className="page auth-page">
      <div className="card auth-card">
        <h1>Welcome back</h1>
        <p className="muted">Log in to buy, download and sell personas.</p>
        <form onSubmit={form.handleSubmit(onSubmit)} noValidate>
          <FormError error={formLevelError(error, ["email", "password"])} />
          <TextField label="E-mail" type="email" autoComplete="email" required {...form.register("email")} error={message("email")} />
          <PasswordField
            label="Password"
            autoComplete="current-password"
            required
            {...form.register("password")}
            error={message("password")}
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
