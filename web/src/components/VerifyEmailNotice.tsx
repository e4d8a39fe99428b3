import { useMutation } from "@tanstack/react-query";
import { errorMessage, resendVerificationEmail } from "../api";
import { useAuth } from "../auth/AuthContext";
import { Alert } from "./States";

/** "Verify your e-mail" with a button to send the link again; nothing once verified. */
export function VerifyEmailNotice({ children }: { children: React.ReactNode }) {
  const { user } = useAuth();
  const resend = useMutation({ mutationFn: resendVerificationEmail });
  if (!user || user.email_verified) return null;
  return (
    <Alert kind="warning">
      {children}{" "}
      {resend.isSuccess ? (
        <strong>We sent a new link to {user.email}.</strong>
      ) : (
        <button type="button" className="link-button" onClick={() => resend.mutate()} disabled={resend.isPending}>
          {resend.isPending ? "Sending…" : "Send the link again"}
        </button>
      )}
      {resend.isError ? <div className="field-error">{errorMessage(resend.error)}</div> : null}
    </Alert>
  );
}

/** The site-wide banner for an unverified account, with a "resend" link (identity allows one
 * mail per account a minute: a second click within it says so). */
export function VerifyBanner({ email }: { email: string }) {
  const resend = useMutation({ mutationFn: resendVerificationEmail });
  return (
    <div className="banner" role="status">
      Please verify your e-mail address: we sent a link to {email}.{" "}
      {resend.isSuccess ? (
        <strong>A new link is on its way.</strong>
      ) : (
        <button type="button" className="link-button" onClick={() => resend.mutate()} disabled={resend.isPending}>
          {resend.isPending ? "Sending…" : "Resend the link"}
        </button>
      )}
      {resend.isError ? <span className="banner-error"> {errorMessage(resend.error)}</span> : null}
    </div>
  );
}
