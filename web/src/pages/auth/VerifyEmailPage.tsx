import { useEffect, useRef, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { errorMessage, verifyEmail } from "../../api";
import { useAuth } from "../../auth/AuthContext";
import { LoadingState } from "../../components/States";
import { useTitle } from "../../lib/useTitle";

type State = { kind: "idle" } | { kind: "verifying" } | { kind: "done" } | { kind: "error"; error: unknown };

export default function VerifyEmailPage() {
  useTitle("Verify your e-mail");
  const [params] = useSearchParams();
  const token = params.get("token");
  const { reloadUser, status } = useAuth();
  const [state, setState] = useState<State>({ kind: token ? "verifying" : "idle" });
  const sent = useRef<string | null>(null);

  useEffect(() => {
    // Wait for a stored session to resume first, so the token refreshed after
    // verifying is minted after the verification, with email_verified set.
    if (!token || status === "loading" || sent.current === token) return;
    sent.current = token;
    setState({ kind: "verifying" });
    verifyEmail(token)
      .then(() => {
        setState({ kind: "done" });
        // The access token still says "not verified": get a fresh one.
        void reloadUser({ newToken: true }).catch(() => undefined);
      })
      .catch((error) => setState({ kind: "error", error }));
  }, [token, reloadUser, status]);

  return (
    <div className="page auth-page">
      <div className="card auth-card">
        <h1>Verify your e-mail</h1>
        {state.kind === "idle" ? (
          <p role="alert">This link is missing its verification token. Open the link from the e-mail we sent you.</p>
        ) : null}
        {state.kind === "verifying" ? <LoadingState label="Verifying your e-mail address…" /> : null}
        {state.kind === "done" ? (
          <div role="status">
            <p className="success-text">Your e-mail address is verified. Thank you!</p>
            <Link className="btn btn-primary" to={status === "authenticated" ? "/dashboard" : "/login"}>
              {status === "authenticated" ? "Go to your dashboard" : "Log in"}
            </Link>
          </div>
        ) : null}
        {state.kind === "error" ? (
          <div role="alert">
            <p>We couldn't verify your e-mail: {errorMessage(state.error)}</p>
            <p className="muted">The link may have expired or been used already.</p>
            <Link to="/marketplace">Back to the marketplace</Link>
          </div>
        ) : null}
      </div>
    </div>
  );
}
