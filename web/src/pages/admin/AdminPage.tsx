import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import {
  approvePersona,
  errorMessage,
  getModerationQueue,
  listReports,
  refundPayment,
  rejectPersona,
  resolveReport,
  listAdminPayments,
  type AdminTransaction,
  type PaymentStatus,
  type ModerationItem,
  type Report,
  type RefundInput,
  type ReportAction,
} from "../../api";
import { qk } from "../../api/queryKeys";
import { SelectField, TextArea, TextField } from "../../components/Field";
import { Modal } from "../../components/Modal";
import { EmptyState, ErrorState, FormError, LoadingState } from "../../components/States";
import { useToast } from "../../components/Toast";
import { formatDateTime } from "../../lib/format";
import { fieldErrorsOf, formLevelError } from "../../lib/forms";
import { centsToInput, formatMoney, formatPrice, parseMoneyInput } from "../../lib/money";
import { useCategoryName } from "../../lib/useCatalog";
import { useTitle } from "../../lib/useTitle";

const TABS = [
  ["moderation", "Moderation"],
  ["reports", "Reports"],
  ["refunds", "Payments"],
] as const;
type Tab = (typeof TABS)[number][0];

export default function AdminPage() {
  useTitle("Admin");
  const [params, setParams] = useSearchParams();
  const tab = (TABS.find(([t]) => t === params.get("tab"))?.[0] ?? "moderation") as Tab;
  return (
    <div className="page">
      <h1>Admin</h1>
      <div className="tabs" role="tablist" aria-label="Admin sections">
        {TABS.map(([t, label]) => (
          <button
            key={t}
            type="button"
            role="tab"
            id={`admin-tab-${t}`}
            aria-selected={tab === t}
            aria-controls={`admin-panel-${t}`}
            className={`tab${tab === t ? " active" : ""}`}
            onClick={() => setParams({ tab: t }, { replace: true })}
          >
            {label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`admin-panel-${tab}`} aria-labelledby={`admin-tab-${tab}`} className="stack">
        {tab === "moderation" ? <ModerationQueue /> : tab === "reports" ? <ReportsQueue /> : <Payments />}
      </div>
    </div>
  );
}

function ModerationQueue() {
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const [rejecting, setRejecting] = useState<ModerationItem | null>(null);
  const categoryName = useCategoryName();
  const query = useInfiniteQuery({
    queryKey: qk.moderation,
    queryFn: ({ pageParam }) => getModerationQueue({ limit: 50, cursor: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const approve = useMutation({
    mutationFn: (p: ModerationItem) => approvePersona(p.id),
    onSuccess: (_d, p) => {
      notify(`Approved “${p.name}”.`);
      void queryClient.invalidateQueries({ queryKey: qk.moderation });
    },
    onError: (e) => notify(errorMessage(e), "error"),
  });
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];

  if (query.isPending) return <LoadingState label="Loading the moderation queue…" />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (!items.length) return <EmptyState title="The queue is empty">No personas are waiting for review.</EmptyState>;
  return (
    <>
      <ul className="row-list" aria-label="Personas awaiting review">
        {items.map((p) => (
          <li key={p.id} className="card row-item">
            <div className="row-main">
              <h2 className="row-title">
                <Link to={`/marketplace/${encodeURIComponent(p.id)}`}>{p.name}</Link>
              </h2>
              <p>{p.short_description}</p>
              <div className="row-meta muted">
                <span>by {p.creator?.username}</span>
                <span>{categoryName(p.category)}</span>
                <span>{formatPrice(p.price_cents, p.currency)}</span>
                {p.latest_version ? <span>v{p.latest_version}</span> : null}
                <span>Submitted {formatDateTime(p.submitted_at ?? p.updated_at)}</span>
              </div>
            </div>
            <div className="row-actions">
              <button
                type="button"
                className="btn btn-small btn-primary"
                onClick={() => approve.mutate(p)}
                disabled={approve.isPending && approve.variables?.id === p.id}
                aria-label={`Approve ${p.name}`}
              >
                Approve
              </button>
              <button type="button" className="btn btn-small btn-danger" onClick={() => setRejecting(p)} aria-label={`Reject ${p.name}`}>
                Reject
              </button>
            </div>
          </li>
        ))}
      </ul>
      {query.hasNextPage ? (
        <button type="button" className="btn" onClick={() => void query.fetchNextPage()}>
          Load more
        </button>
      ) : null}
      {rejecting ? <RejectDialog persona={rejecting} onClose={() => setRejecting(null)} /> : null}
    </>
  );
}

function RejectDialog({ persona, onClose }: { persona: ModerationItem; onClose: () => void }) {
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const [reason, setReason] = useState("");
  const [localError, setLocalError] = useState<string | undefined>();
  const mutation = useMutation({
    mutationFn: () => rejectPersona(persona.id, reason.trim()),
    onSuccess: () => {
      notify(`Rejected “${persona.name}”.`);
      void queryClient.invalidateQueries({ queryKey: qk.moderation });
      onClose();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (reason.trim().length < 3) return setLocalError("Tell the creator what to fix.");
    setLocalError(undefined);
    mutation.mutate();
  };
  return (
    <Modal title={`Reject “${persona.name}”`} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <FormError error={mutation.error && !fieldErrorsOf(mutation.error).reason ? mutation.error : null} />
        <TextArea
          label="Reason for rejection"
          rows={4}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          error={localError ?? fieldErrorsOf(mutation.error).reason}
          hint="The creator sees this. Be specific about what to change."
        />
        <div className="form-actions">
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-danger" disabled={mutation.isPending}>
            {mutation.isPending ? "Rejecting…" : "Reject persona"}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function ReportsQueue() {
  const [resolving, setResolving] = useState<Report | null>(null);
  const query = useInfiniteQuery({
    queryKey: qk.reports,
    queryFn: ({ pageParam }) => listReports({ limit: 50, cursor: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  if (query.isPending) return <LoadingState label="Loading reports…" />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (!items.length) return <EmptyState title="No open reports">Nothing has been reported.</EmptyState>;
  return (
    <>
      <ul className="row-list" aria-label="Reports">
        {items.map((r) => {
          const personaId = r.target_type === "persona" ? r.target_id : r.persona_id;
          return (
            <li key={r.id} className="card row-item">
              <div className="row-main">
                <h2 className="row-title">
                  {r.target_type === "review" ? "Review" : "Persona"} reported: {r.reason}
                </h2>
                {r.details ? <p>{r.details}</p> : null}
                <div className="row-meta muted">
                  <span>by {r.reporter?.username ?? "anonymous"}</span>
                  <span>{formatDateTime(r.created_at)}</span>
                  {personaId ? <Link to={`/marketplace/${encodeURIComponent(personaId)}`}>Open persona</Link> : <span>Target {r.target_id}</span>}
                  <span className={`badge ${r.status === "resolved" ? "badge-approved" : "badge-pending"}`}>{r.status}</span>
                </div>
              </div>
              <div className="row-actions">
                {r.status !== "resolved" ? (
                  <button type="button" className="btn btn-small" onClick={() => setResolving(r)} aria-label={`Resolve report ${r.id}`}>
                    Resolve
                  </button>
                ) : null}
              </div>
            </li>
          );
        })}
      </ul>
      {query.hasNextPage ? (
        <button type="button" className="btn" onClick={() => void query.fetchNextPage()}>
          Load more
        </button>
      ) : null}
      {resolving ? <ResolveDialog report={resolving} onClose={() => setResolving(null)} /> : null}
    </>
  );
}

function ResolveDialog({ report, onClose }: { report: Report; onClose: () => void }) {
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const [action, setAction] = useState<ReportAction>("dismiss");
  const [note, setNote] = useState("");
  const mutation = useMutation({
    mutationFn: () => resolveReport(report.id, { action, note: note.trim() || undefined }),
    onSuccess: () => {
      notify("Report resolved.");
      void queryClient.invalidateQueries({ queryKey: qk.reports });
      void queryClient.invalidateQueries({ queryKey: qk.moderation });
      onClose();
    },
  });
  return (
    <Modal title="Resolve report" onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          mutation.mutate();
        }}
      >
        <FormError error={mutation.error} />
        <SelectField
          label="Outcome"
          value={action}
          onChange={(e) => setAction(e.target.value as ReportAction)}
          hint={action === "take_down" ? "Every open report on the same content is closed with this one." : undefined}
        >
          <option value="dismiss">Dismiss: no action needed</option>
          <option value="take_down">{report.target_type === "persona" ? "Take down: suspend the persona" : "Take down: remove the review"}</option>
        </SelectField>
        <TextArea label="Note (optional)" rows={3} value={note} onChange={(e) => setNote(e.target.value)} />
        <div className="form-actions">
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={mutation.isPending}>
            {mutation.isPending ? "Saving…" : "Mark resolved"}
          </button>
        </div>
      </form>
    </Modal>
  );
}

const REFUNDABLE_STATUSES = ["completed", "partially_refunded"];

function Payments() {
  const [search, setSearch] = useState("");
  const [statusFilter, setStatusFilter] = useState<PaymentStatus | "">("");
  const [refunding, setRefunding] = useState<AdminTransaction | null>(null);
  const query = useInfiniteQuery({
    queryKey: [...qk.adminPayments, statusFilter],
    queryFn: ({ pageParam }) => listAdminPayments({ limit: 50, cursor: pageParam, status: statusFilter || undefined }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const all = query.data?.pages.flatMap((p) => p.items) ?? [];
  const needle = search.trim().toLowerCase();
  const items = needle
    ? all.filter((t) => [t.id, t.persona_name, t.persona_id, t.buyer_id, t.stripe_session_id, t.stripe_payment_intent ?? ""].some((v) => v.toLowerCase().includes(needle)))
    : all;
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
      {query.isPending ? (
        <LoadingState label="Loading payments…" />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title="No payments found">{needle || statusFilter ? "Nothing matches these filters." : "Nobody has bought anything yet."}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table responsive">
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Persona</th>
                <th scope="col" className="num">
                  Paid
                </th>
                <th scope="col" className="num">
                  Creator
                </th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((t) => (
                <tr key={t.id}>
                  <td data-label="Date">
                    {formatDateTime(t.created_at)}
                    <div className="muted small" title={t.id}>
                      #{t.id.slice(0, 8)}
                    </div>
                  </td>
                  <td data-label="Persona">
                    <Link to={`/marketplace/${encodeURIComponent(t.persona_id)}`}>{t.persona_name || "Persona"}</Link>
                  </td>
                  <td data-label="Paid" className="num">
                    {formatMoney(t.total, t.currency)}
                    {t.refunded_amount ? <div className="muted small">{formatMoney(t.refunded_amount, t.currency)} refunded</div> : null}
                  </td>
                  <td data-label="Creator" className="num">{formatMoney(t.creator_revenue - t.creator_refunded, t.currency)}</td>
                  <td data-label="Status">
                    <span className={`badge badge-pay-${t.status}`}>{t.status.replace(/_/g, " ")}</span>
                    {t.dispute ? <div className="muted small">dispute {t.dispute.status}</div> : null}
                  </td>
                  <td data-label="">
                    {t.refundable > 0 && REFUNDABLE_STATUSES.includes(t.status) ? (
                      <button type="button" className="btn btn-small btn-danger" onClick={() => setRefunding(t)} aria-label={`Refund payment ${t.id}`}>
                        Refund
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {query.hasNextPage ? (
            <button type="button" className="btn" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>
              Load more
            </button>
          ) : null}
        </div>
      )}
      {refunding ? <RefundDialog payment={refunding} onClose={() => setRefunding(null)} /> : null}
    </section>
  );
}

function RefundDialog({ payment, onClose }: { payment: AdminTransaction; onClose: () => void }) {
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const [amount, setAmount] = useState("");
  const [reason, setReason] = useState<RefundInput["reason"] | "">("requested_by_customer");
  const [localError, setLocalError] = useState<string | undefined>();
  // One key per dialog: a retried click refunds once.
  const [key] = useState(() => (typeof crypto !== "undefined" && "randomUUID" in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`));
  const mutation = useMutation({
    mutationFn: (cents: number | undefined) => refundPayment(payment.id, { amount: cents, reason: reason || undefined }, key),
    onSuccess: (t) => {
      notify(`Refunded ${formatMoney(t.refunded_amount - payment.refunded_amount, t.currency)} for “${t.persona_name}”.`);
      void queryClient.invalidateQueries({ queryKey: qk.adminPayments });
      onClose();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    let cents: number | undefined;
    if (amount.trim()) {
      const parsed = parseMoneyInput(amount, payment.currency);
      if (parsed === null || parsed <= 0) return setLocalError("Enter an amount like 4.99, or leave it empty for a full refund.");
      if (parsed > payment.refundable) return setLocalError(`At most ${formatMoney(payment.refundable, payment.currency)} can be refunded.`);
      cents = parsed;
    }
    setLocalError(undefined);
    mutation.mutate(cents);
  };
  return (
    <Modal title={`Refund “${payment.persona_name}”`} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <FormError error={formLevelError(mutation.error, ["amount"])} />
        <p>
          The buyer paid {formatMoney(payment.total, payment.currency)}; {formatMoney(payment.refundable, payment.currency)} can still be refunded. This can't be undone.
        </p>
        <TextField
          label="Amount to refund"
          inputMode="decimal"
          placeholder={centsToInput(payment.refundable, payment.currency)}
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          error={localError ?? fieldErrorsOf(mutation.error).amount}
          hint="Leave empty to refund everything that's left."
        />
        <SelectField label="Reason" value={reason ?? ""} onChange={(e) => setReason(e.target.value as RefundInput["reason"] | "")}>
          <option value="requested_by_customer">Requested by the buyer</option>
          <option value="duplicate">Duplicate payment</option>
          <option value="fraudulent">Fraudulent</option>
          <option value="">Other</option>
        </SelectField>
        <div className="form-actions">
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-danger" disabled={mutation.isPending}>
            {mutation.isPending ? "Refunding…" : "Refund"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
