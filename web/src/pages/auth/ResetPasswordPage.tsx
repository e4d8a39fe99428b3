import { Link, useSearchParams } from "react-router";
import { useMutation } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { confirmPasswordReset, requestPasswordReset } from "../../api";
import { PasswordField, TextField } from "../../components/Field";
import { FormError } from "../../components/States";
import { fieldMessage, formLevelError } from "../../lib/forms";
import { useTitle } from "../../lib/useTitle";

export default function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get("token");
  useTitle(token ? "Choose a new password" : "Reset your password");
  return <div className="page auth-page">{token ? <ConfirmForm token={token} /> : <RequestForm />}</div>;
}

const requestSchema = z.object({ email: z.string().trim().min(1, "Enter your e-mail address.") });
type RequestValues = z.infer<typeof requestSchema>;

function RequestForm() {
  const form = useForm<RequestValues>({ resolver: zodResolver(requestSchema), defaultValues: { email: "" } });
  const send = useMutation({ mutationFn: ({ email }: RequestValues) => requestPasswordReset(email) });
  const email = form.watch("email");
  return (
    <div className="card auth-card">
      <h1>Reset your password</h1>
      {send.isSuccess ? (
        <div role="status">
          <p>If an account exists for <strong>{send.variables.email}</strong>, we've sent a link to reset the password. It expires soon, so use it quickly.</p>
          <Link to="/login">Back to log in</Link>
        </div>
      ) : (
        <>
          <p className="muted">Enter your e-mail address and we'll send you a link to choose a new password.</p>
          <form onSubmit={form.handleSubmit((values) => send.mutate(values))} noValidate>
            <FormError error={formLevelError(send.error, ["email"])} />
            <TextField label="E-mail" type="email" autoComplete="email" required {...form.register("email")} error={fieldMessage(form.formState.errors, send.error, "email")} />
            <button type="submit" className="btn btn-primary btn-block" disabled={send.isPending || !email.trim()}>
              {send.isPending ? "Sending…" : "Send reset link"}
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

const confirmSchema = z.object({ password: z.string().min(8, "Use at least 8 characters.") });
type ConfirmValues = z.infer<typeof confirmSchema>;

function ConfirmForm({ token }: { token: string }) {
  const form = useForm<ConfirmValues>({ resolver: zodResolver(confirmSchema), defaultValues: { password: "" } });
  const confirm = useMutation({ mutationFn: ({ password }: ConfirmValues) => confirmPasswordReset(token, password) });
  return (
    <div className="card auth-card">
      <h1>Choose a new password</h1>
      {confirm.isSuccess ? (
        <div role="status">
          <p className="success-text">Your password has been changed.</p>
          <Link className="btn btn-primary" to="/login">
            Log in
          </Link>
        </div>
      ) : (
        <form onSubmit={form.handleSubmit((values) => confirm.mutate(values))} noValidate>
          <FormError error={formLevelError(confirm.error, ["password"])} />
          <PasswordField
            label="New password"
            autoComplete="new-password"
            required
            {...form.register("password")}
            error={fieldMessage(form.formState.errors, confirm.error, "password")}
            hint="At least 8 characters."
          />
          <button type="submit" className="btn btn-primary btn-block" disabled={confirm.isPending}>
            {confirm.isPending ? "Saving…" : "Set new password"}
          </button>
        </form>
      )}
    </div>
  );
}
