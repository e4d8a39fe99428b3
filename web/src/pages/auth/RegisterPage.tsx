import { z } from "zod";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { register } from "../../api";
import { safeNext, useAuth } from "../../auth/AuthContext";
import { PasswordField, TextField } from "../../components/Field";
import { FormError } from "../../components/States";
import { useToast } from "../../components/Toast";
import { binder, formLevelError, useBusySubmit, useZodForm } from "../../lib/forms";
import { useTitle } from "../../lib/useTitle";
import { AuthCard, AuthLink } from "./AuthCard";

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
  const form = useZodForm<RegisterValues>(registerSchema, { email: "", username: "", password: "" });
  const { busy, error, submit } = useBusySubmit(async ({ email, username, password }: RegisterValues) => {
    await register({ email, username, password });
    try {
      await login(email, password);
      notify("Welcome! Check your inbox to verify your e-mail address.");
      navigate(next, { replace: true });
    } catch {
      notify("Account created. Please log in.");
      navigate(`/login?next=${encodeURIComponent(next)}`, { replace: true });
    }
  });

  if (status === "authenticated" && !busy) return <Navigate to={next} replace />;

  const bind = binder(form, error);
  const links = (
    <span>
      Already have an account?{" "}
      <AuthLink to="/login" next={next} params={params}>
        Log in
      </AuthLink>
    </span>
  );
  return (
    <AuthCard title="Create your account" intro="Buy personas, or publish your own and get paid." links={links}>
      <form onSubmit={form.handleSubmit(submit)} noValidate>
        <FormError error={formLevelError(error, ["email", "username", "password"])} />
        <TextField label="E-mail" type="email" autoComplete="email" required {...bind("email")} />
        <TextField label="Username" autoComplete="username" required {...bind("username")} hint="3–30 letters, numbers or underscores. Shown on your public creator page." />
        <PasswordField label="Password" autoComplete="new-password" required {...bind("password")} hint="At least 8 characters. A short sentence works well." />
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {busy ? "Creating account…" : "Create account"}
        </button>
      </form>
    </AuthCard>
  );
}
