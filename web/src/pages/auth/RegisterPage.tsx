import { useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router";
import { register } from "../../api";
import { safeNext, useAuth } from "../../auth/AuthContext";
import { PasswordField, TextField } from "../../components/Field";
import { FormError } from "../../components/States";
import { useToast } from "../../components/Toast";
import { fieldMessage, formLevelError } from "../../lib/forms";
import { useTitle } from "../../lib/useTitle";

const registerSchema = z.object({
  email: z.string().trim().regex(/^\S+@\S+\.\S+$/, "Enter a valid e-mail address."),
  username: z.string().trim().regex(/^[A-Za-z0-9_]{3,30}$/, "3–30 letters, numbers or underscores."),
  password: z.string().min(8, "Use at least 8 characters.").max(128, "Use at most 128 characters."),
});
type RegisterValues = z.infer<typeof registerSchema>;

export default function RegisterPage() {
  useTitle("Create an account");
  const { login, status } = useAuth();
  const { notify } = useToast();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNext(params.get("next"));
  const form = useForm<RegisterValues>({ resolver: zodResolver(registerSchema), defaultValues: { email: "", username: "", password: "" } });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  if (status === "authenticated" && !busy) return <Navigate to={next} replace />;

  const onSubmit = async ({ email, username, password }: RegisterValues) => {
    setError(null);
    setBusy(true);
    try {
      await register({ email, username, password });
      try {
        await login(email, password);
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

  const message = (name: keyof RegisterValues) => fieldMessage(form.formState.errors, error, name);
  return (
    <div className="page auth-page">
      <div className="card auth-card">
        <h1>Create your account</h1>
        <p className="muted">Buy personas, or publish your own and get paid.</p>
        <form onSubmit={form.handleSubmit(onSubmit)} noValidate>
          <FormError error={formLevelError(error, ["email", "username", "password"])} />
          <TextField label="E-mail" type="email" autoComplete="email" required {...form.register("email")} error={message("email")} />
          <TextField
            label="Username"
            autoComplete="username"
            required
            {...form.register("username")}
            error={message("username")}
            hint="3–30 letters, numbers or underscores. Shown on your public creator page."
          />
          <PasswordField
            label="Password"
            autoComplete="new-password"
            required
            {...form.register("password")}
            error={message("password")}
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
