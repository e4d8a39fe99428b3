import { useMemo, useState } from "react";
import { Link } from "react-router";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { listAdminPayments, refundPayment, type AdminTransaction, type PaymentStatus } from "../../api";
import { qk } from "../../api/queryKeys";
import { DataTable, type Column } from "../../components/DataTable";
import { SelectField, TextField } from "../../components/Field";
import { FormActions } from "../../components/FormActions";
import { Modal } from "../../components/Modal";
import { PagedList } from "../../components/PagedList";
import { EmptyState, FormError } from "../../components/States";
import { useToast } from "../../components/Toast";
import { formatDateTime } from "../../lib/format";
import { fieldErrorsOf, formLevelError } from "../../lib/forms";
import { centsToInput, formatMoney, parseMoneyInput } from "../../lib/money";
import { usePagedList } from "../../lib/usePagedList";

const REFUNDABLE_STATUSES: readonly string[] = ["completed", "partially_refunded"];

function matches(t: AdminTransaction, needle: string): boolean {
  return [t.id, t.persona_name, t.persona_id, t.buyer_id, t.stripe_session_id, t.stripe_payment_intent ?? ""].some((v) => v.toLowerCase().includes(needle));
}

export function PaymentsTab() {
  const [search, setSearch] = useState("");
  const [statusFilter, setStatusFilter] = useState<PaymentStatus | "">("");
  const [refunding, setRefunding] = useState<AdminTransaction | null>(null);
  const list = usePagedList([...qk.adminPayments, statusFilter], (page) => listAdminPayments({ ...page, status: statusFilter || undefined }), { limit: 50 });
  const needle = search.trim().toLowerCase();
  const columns: Column<AdminTransaction>[] = [
    {
      header: "Date",
      cell: (t) => (
        <>
          {formatDateTime(t.created_at)}
          <div className="muted small" title={t.id}>
            #{t.id.slice(0, 8)}
          </div>
        </>
      ),
    },
    { header: "Persona", cell: (t) => <Link to={`/marketplace/${encodeURIComponent(t.persona_id)}`}>{t.persona_name || "Persona"}</Link> },
    {
      header: "Paid",
      numeric: true,
      cell: (t) => (
        <>
          {formatMoney(t.total, t.currency)}
          {t.refunded_amount ? <div className="muted small">{formatMoney(t.refunded_amount, t.currency)} refunded</div> : null}
        </>
      ),
    },
    { header: "Creator", numeric: true, cell: (t) => formatMoney(t.creator_revenue - t.creator_refunded, t.currency) },
    {
      header: "Status",
      cell: (t) => (
        <>
          <span className={`badge badge-pay-${t.status}`}>{t.status.replace(/_/g, " ")}</span>
          {t.dispute ? <div className="muted small">dispute {t.dispute.status}</div> : null}
        </>
      ),
    },
    {
      header: "Actions",
      hideHeader: true,
      cell: (t) =>
        t.refundable > 0 && REFUNDABLE_STATUSES.includes(t.status) ? (
          <button type="button" className="btn btn-small btn-danger" onClick={() => setRefunding(t)} aria-label={`Refund payment ${t.id}`}>
            Refund
          </button>
        ) : null,
    },
  ];
  const noMatch = <EmptyState title="No payments found">{needle || statusFilter ? "Nothing matches these filters." : "Nobody has bought anything yet."}</EmptyState>;
  return (
    <section className="card" aria-labelledby="payments-heading">
      <h2 id="payments-heading">Payments</h2>
      <p className="muted">Refunds return the buyer's money through Stripe and reverse the creator's share of the sale.</p>
      <div className="filter-row">
        <TextField className="grow" label="Find a payment" placeholder="Payment id, persona, buyer id or Stripe id" value={search} onChange={(e) => setSearch(e.target.value)} autoComplete="off" />
        <SelectField label="Status" value={statusFilter} onChange={(e) => setStatusFilter(e.target.value as PaymentStatus | "")}>
          <option value="">All</option>
          <option value="completed">Paid</option>
          <option value="partially_refunded">Partly refunded</option>
          <option value="refunded">Refunded</option>
          <option value="disputed">Disputed</option>
          <option value="pending">Awaiting payment</option>
          <option value="failed">Failed</option>
          <option value="expired">Expired</option>
        </SelectField>
      </div>
      <PagedList list={list} loadingLabel="Loading payments…" empty={noMatch}>
        {(all) => {
          const rows = needle ? all.filter((t) => matches(t, needle)) : all;
          return rows.length ? <DataTable rows={rows} columns={columns} rowKey={(t) => t.id} /> : noMatch;
        }}
      </PagedList>
      {refunding ? <RefundDialog payment={refunding} onClose={() => setRefunding(null)} /> : null}
    </section>
  );
}

const REFUND_REASONS = ["requested_by_customer", "duplicate", "fraudulent", ""] as const;

/** The amount is typed as money ("4.99"); empty means everything that is left. */
function refundSchema(payment: AdminTransaction) {
  return z.object({
    amount: z
      .string()
      .trim()
      .refine((s) => !s || (parseMoneyInput(s, payment.currency) ?? 0) > 0, "Enter an amount like 4.99, or leave it empty for a full refund.")
      .refine((s) => !s || (parseMoneyInput(s, payment.currency) ?? 0) <= payment.refundable, `At most ${formatMoney(payment.refundable, payment.currency)} can be refunded.`),
    reason: z.enum(REFUND_REASONS),
  });
}
type RefundValues = z.infer<ReturnType<typeof refundSchema>>;

function RefundDialog({ payment, onClose }: { payment: AdminTransaction; onClose: () => void }) {
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const schema = useMemo(() => refundSchema(payment), [payment]);
  const form = useForm<RefundValues>({ resolver: zodResolver(schema), defaultValues: { amount: "", reason: "requested_by_customer" } });
  // One key per dialog: a retried click refunds once.
  const [key] = useState(() => (typeof crypto !== "undefined" && "randomUUID" in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`));
  const mutation = useMutation({
    mutationFn: ({ amount, reason }: RefundValues) =>
      refundPayment(payment.id, { amount: amount ? (parseMoneyInput(amount, payment.currency) ?? undefined) : undefined, reason: reason || undefined }, key),
    onSuccess: (t) => {
      notify(`Refunded ${formatMoney(t.refunded_amount - payment.refunded_amount, t.currency)} for “${t.persona_name}”.`);
      void queryClient.invalidateQueries({ queryKey: qk.adminPayments });
      onClose();
    },
  });
  return (
    <Modal title={`Refund “${payment.persona_name}”`} onClose={onClose}>
      <form onSubmit={form.handleSubmit((values) => mutation.mutate(values))} noValidate>
        <FormError error={formLevelError(mutation.error, ["amount"])} />
        <p>
          The buyer paid {formatMoney(payment.total, payment.currency)}; {formatMoney(payment.refundable, payment.currency)} can still be refunded. This can't be undone.
        </p>
        <TextField
          label="Amount to refund"
          inputMode="decimal"
          placeholder={centsToInput(payment.refundable, payment.currency)}
          {...form.register("amount")}
          error={form.formState.errors.amount?.message ?? fieldErrorsOf(mutation.error).amount}
          hint="Leave empty to refund everything that's left."
        />
        <SelectField label="Reason" {...form.register("reason")}>
          <option value="requested_by_customer">Requested by the buyer</option>
          <option value="duplicate">Duplicate payment</option>
          <option value="fraudulent">Fraudulent</option>
          <option value="">Other</option>
        </SelectField>
        <FormActions label="Refund" busyLabel="Refunding…" busy={mutation.isPending} onCancel={onClose} kind="danger" />
      </form>
    </Modal>
  );
}
