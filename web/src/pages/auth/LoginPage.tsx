import { z } from "zod";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router";
import { safeNext, useAuth } from "../../auth/AuthContext";
import { PasswordField, TextField } from "../../components/Field";
import { FormError } from "../../components/States";
import { binder, formLevelError, useBusySubmit, useZodForm } from "../../lib/forms";
import { useTitle } from "../../lib/useTitle";
import { AuthCard, AuthLink } from "./AuthCard";

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
  const form = useZodForm<LoginValues>(loginSchema, { email: "", password: "" });
  const { busy, error, submit } = useBusySubmit(async ({ email, password }: LoginValues) => {
    await login(email, password);
    navigate(next, { replace: true });
  });

  if (status === "authenticated" && !busy) return <Navigate to={next} replace />;

  const bind = binder(form, error);
  const links = (
    <>
      <Link to="/reset-password">Forgot your password?</Link>
      <span>
        New here?{" "}
        <AuthLink to="/register" next={next} params={params}>
          Create an account
        </AuthLink>
      </span>
    </>
  );
  return (
    <AuthCard title="Welcome back" intro="Log in to buy, download and sell personas." links={links}>
      <form onSubmit={form.handleSubmit(submit)} noValidate>
        <FormError error={formLevelError(error, ["email", "password"])} />
        <TextField label="E-mail" type="email" autoComplete="email" required {...bind("email")} />
        <PasswordField label="Password" autoComplete="current-password" required {...bind("password")} />
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {busy ? "Logging in…" : "Log in"}
        </button>
      </form>
    </AuthCard>
  );
}
