import { useRef } from "react";
import { z } from "zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useSearchParams } from "react-router";
import { errorMessage, requestPayout, startOnboarding, type Earnings } from "../../api";
import { qk } from "../../api/queryKeys";
import { TextField } from "../../components/Field";
import { FormError } from "../../components/States";
import { useToast } from "../../components/Toast";
import { browser } from "../../lib/browser";
import { binder, formLevelError, useZodForm } from "../../lib/forms";
import { centsToInput, formatMoney, parseMoneyInput } from "../../lib/money";

/** A fresh key per payout attempt: a double click or a retry is one payout, not two. */
function newKey(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** An empty amount pays out everything available; a typed one lies between the minimum and the balance. */
function payoutSchema(e: Earnings) {
  return z.object({
    amount: z.string().superRefine((amount, ctx) => {
      if (!amount.trim()) return;
      const cents = parseMoneyInput(amount, e.currency);
      const problem =
        cents === null
          ? "Enter an amount like 40.00."
          : cents < e.minimum_payout
            ? `The minimum payout is ${formatMoney(e.minimum_payout, e.currency)}.`
            : cents > e.available
              ? `You can pay out at most ${formatMoney(e.available, e.currency)}.`
              : null;
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  });
}
type PayoutValues = z.infer<ReturnType<typeof payoutSchema>>;

export function PayoutPanel({ e }: { e: Earnings }) {
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const minimum = e.minimum_payout;
  const form = useZodForm<PayoutValues>(payoutSchema(e), { amount: "" });
  const attempt = useRef<string>(newKey());
  const needsOnboarding = !e.onboarded;
  const [params] = useSearchParams();
  const returned = params.get("onboarding") === "done";

  const onboarding = useMutation({
    mutationFn: startOnboarding,
    onSuccess: (link) => browser.assign(link.url),
    onError: (err) => notify(errorMessage(err), "error"),
  });

  const payout = useMutation({
    mutationFn: (cents: number | undefined) => requestPayout(cents, e.currency, attempt.current),
    onSuccess: (p) => {
      attempt.current = newKey();
      notify(p.status === "failed" ? `Stripe refused the payout: ${p.reason ?? "unknown reason"}. The money is back in your balance.` : `Payout of ${formatMoney(p.amount, p.currency)} requested.`, p.status === "failed" ? "error" : undefined);
      form.reset({ amount: "" });
      void queryClient.invalidateQueries({ queryKey: qk.earnings });
      void queryClient.invalidateQueries({ queryKey: qk.payouts });
      void queryClient.invalidateQueries({ queryKey: qk.earningTransactions });
    },
  });

  const submit = form.handleSubmit(({ amount }) => payout.mutate(amount.trim() ? (parseMoneyInput(amount, e.currency) ?? undefined) : undefined));


  const bind = binder(form, payout.error);
  const blocked = !e.can_request_payout;
  return (
    <section className="card" aria-labelledby="payout-heading">
      <h2 id="payout-heading">Get paid</h2>
      <p className="muted">
        Payouts go to your bank through Stripe. The minimum payout is <strong>{formatMoney(minimum, e.currency)}</strong>
        {e.holding_days ? `, and earnings become available ${e.holding_days} days after each sale so refunds can be handled` : ""}.
      </p>
      {e.payout_blockers.length ? (
        <div className={`alert ${blocked ? "alert-warning" : "alert-info"}`} role="status">
          {blocked ? <strong>You can't request a payout yet:</strong> : null}
          <ul>
            {e.payout_blockers.map((b) => (
              <li key={b.code || b.message}>{b.message}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="payout-actions">
        {needsOnboarding ? null : (
          <span className="badge badge-approved stripe-connected" role="status">
            Stripe connected <span aria-hidden="true">✓</span>
          </span>
        )}
        <button type="button" className={`btn ${needsOnboarding ? "btn-primary" : "btn-ghost"}`} onClick={() => onboarding.mutate()} disabled={onboarding.isPending}>
          {onboarding.isPending ? "Opening Stripe…" : needsOnboarding ? "Connect Stripe to get paid" : "Manage Stripe payout account"}
        </button>
        {needsOnboarding && returned ? (
          <span className="muted small" role="status">
            Stripe hasn't confirmed your details yet: finish the form on Stripe, or check back in a minute.
          </span>
        ) : null}
      </div>
      <form className="payout-form" onSubmit={submit} noValidate>
        <FormError error={formLevelError(payout.error, ["amount"])} />
        <TextField
          label="Payout amount"
          inputMode="decimal"
          placeholder={centsToInput(e.available, e.currency)}
          {...bind("amount")}
          hint={`Leave empty to pay out everything available (${formatMoney(e.available, e.currency)}).`}
          disabled={blocked}
        />
        <button type="submit" className="btn btn-primary" disabled={blocked || payout.isPending}>
          {payout.isPending ? "Requesting…" : "Request payout"}
        </button>
      </form>
    </section>
  );
}
