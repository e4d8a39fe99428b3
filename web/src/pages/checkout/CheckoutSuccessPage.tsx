import { useEffect, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { errorMessage, listPaymentHistory } from "../../api";
import { qk } from "../../api/queryKeys";
import { LoadingState } from "../../components/States";
import { formatMoney } from "../../lib/money";
import { useTitle } from "../../lib/useTitle";

const POLL_MS = 2000;
const GIVE_UP_MS = 45_000;

export default function CheckoutSuccessPage() {
  useTitle("Thank you!");
  const [params] = useSearchParams();
  const sessionId = params.get("session_id");
  const queryClient = useQueryClient();
  const [started] = useState(() => Date.now());
  const [gaveUp, setGaveUp] = useState(false);

  // The purchase is completed by Stripe's webhook, which can take a moment:
  // poll payment history until the session shows up as completed.
  const history = useQuery({
    queryKey: [...qk.payments, "checkout", sessionId],
    queryFn: () => listPaymentHistory({ limit: 20 }),
    enabled: !!sessionId,
    refetchInterval: (q) => {
      const match = q.state.data?.items.find((p) => p.session_id === sessionId);
      if (gaveUp || (match && match.status !== "pending")) return false;
      return POLL_MS;
    },
  });

  useEffect(() => {
    const t = setTimeout(() => setGaveUp(true), GIVE_UP_MS - (Date.now() - started));
    return () => clearTimeout(t);
  }, [started]);

  const payment = history.data?.items.find((p) => p.session_id === sessionId);
  const done = payment && (payment.status === "completed" || payment.status === "paid" || payment.status === "succeeded");

  useEffect(() => {
    if (done) {
      void queryClient.invalidateQueries({ queryKey: qk.myPurchases });
      void queryClient.invalidateQueries({ queryKey: ["personas", "detail", payment.persona_id] });
    }
  }, [done, payment?.persona_id, queryClient]);

  return (
    <div className="page narrow">
      <div className="card state">
        <div className="state-icon success" aria-hidden="true">
          ✓
        </div>
        <h1>Thank you for your purchase!</h1>
        {!sessionId ? (
          <p>Your payment went through. Your persona will appear in your library shortly.</p>
        ) : done ? (
          <div role="status">
            <p>
              {payment.persona_name ? <strong>{payment.persona_name}</strong> : "Your persona"} is now in your library
              {payment.amount_cents ? ` (${formatMoney(payment.amount_cents, payment.currency)})` : ""}.
            </p>
            <div className="state-action">
              <Link className="btn btn-primary" to={`/marketplace/${encodeURIComponent(payment.persona_id)}`}>
                Go to the persona and download
              </Link>
            </div>
          </div>
        ) : payment && payment.status !== "pending" ? (
          <p role="alert">The payment is marked “{payment.status}”. If you were charged, contact support with reference {sessionId}.</p>
        ) : history.isError && !history.data ? (
          <p role="alert">
            We couldn't check your payment just now ({errorMessage(history.error)}). If you completed the payment, the persona will appear in your library shortly — no need to pay
            again.
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
