import { useEffect, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { errorMessage, getCheckoutPayment, isApiError, type Payment } from "../../api";
import { qk } from "../../api/queryKeys";
import { LoadingState } from "../../components/States";
import { formatMoney } from "../../lib/money";
import { useTitle } from "../../lib/useTitle";

const POLL_MS = 1500;
const GIVE_UP_MS = 45_000;

/** Still waiting for Stripe's webhook (or an asynchronous payment to settle). */
const WAITING = new Set(["pending", "processing"]);
/** The buyer holds the persona. */
const HELD = new Set(["completed", "partially_refunded", "disputed"]);

export default function CheckoutSuccessPage() {
  useTitle("Thank you!");
  const [params] = useSearchParams();
  const sessionId = params.get("session_id");
  const queryClient = useQueryClient();
  const [started] = useState(() => Date.now());
  const [gaveUp, setGaveUp] = useState(false);

  // Stripe sends the buyer here before (or while) its webhook completes the
  // purchase: poll the session's purchase until it leaves "pending".
  const payment = useQuery({
    queryKey: [...qk.payments, "session", sessionId],
    queryFn: () => getCheckoutPayment(sessionId!),
    enabled: !!sessionId,
    retry: (count, err) => !(isApiError(err) && err.status === 404) && count < 3,
    refetchInterval: (q) => {
      const status = q.state.data?.status;
      if (gaveUp || (status && !WAITING.has(status))) return false;
      return POLL_MS;
    },
  });

  useEffect(() => {
    const t = setTimeout(() => setGaveUp(true), GIVE_UP_MS - (Date.now() - started));
    return () => clearTimeout(t);
  }, [started]);

  const p: Payment | undefined = payment.data;
  const done = !!p && HELD.has(p.status);

  const personaId = p?.persona_id;
  useEffect(() => {
    if (done && personaId) {
      void queryClient.invalidateQueries({ queryKey: qk.myPurchases });
      void queryClient.invalidateQueries({ queryKey: qk.payments, exact: true });
      void queryClient.invalidateQueries({ queryKey: qk.persona(personaId) });
    }
  }, [done, personaId, queryClient]);

  return (
    <div className="page narrow">
      <div className="card state">
        <div className={`state-icon ${done || !p ? "success" : ""}`} aria-hidden="true">
          {done || !p || WAITING.has(p.status) ? "✓" : "!"}
        </div>
        <h1>{p && !done && !WAITING.has(p.status) ? "Payment not completed" : "Thank you for your purchase!"}</h1>
        {!sessionId ? (
          <p>Your payment went through. Your persona will appear in your library shortly.</p>
        ) : done && p ? (
          <div role="status">
            <p>
              <strong>{p.persona_name || "Your persona"}</strong> is now in your library ({formatMoney(p.total, p.currency)}
              {p.receipt?.payment_method ? `, paid with ${p.receipt.payment_method}` : ""}).
            </p>
            {p.receipt ? <p className="muted small">Receipt {p.receipt.number}</p> : null}
            <div className="state-action">
              <Link className="btn btn-primary" to={`/marketplace/${encodeURIComponent(p.persona_id)}`}>
                Go to the persona and download
              </Link>
            </div>
          </div>
        ) : p && !WAITING.has(p.status) ? (
          <p role="alert">
            The payment is marked “{p.status.replace(/_/g, " ")}”. If you were charged, contact support with reference {sessionId}.
          </p>
        ) : payment.isError && !p ? (
          <p role="alert">
            We couldn't check your payment just now ({errorMessage(payment.error)}). If you completed the payment, the persona will appear in your library shortly — no need to
            pay again.
          </p>
        ) : gaveUp ? (
          <p role="status">We're still confirming your payment with Stripe. It will appear in your library within a few minutes — no need to pay again.</p>
        ) : (
          <LoadingState label="Confirming your payment…" />
        )}
        <p>
          <Link to="/dashboard/purchases">Open your library</Link> · <Link to="/marketplace">Keep browsing</Link>
        </p>
      </div>
    </div>
  );
}
