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
  type ModerationItem,
  type Report,
} from "../../api";
import { qk } from "../../api/queryKeys";
import { SelectField, TextArea, TextField } from "../../components/Field";
import { ConfirmDialog, Modal } from "../../components/Modal";
import { Alert, EmptyState, ErrorState, FormError, LoadingState } from "../../components/States";
import { useToast } from "../../components/Toast";
import { formatDateTime } from "../../lib/format";
import { fieldErrorsOf } from "../../lib/forms";
import { formatPrice } from "../../lib/money";
import { useTitle } from "../../lib/useTitle";

const TABS = [
  ["moderation", "Moderation queue"],
  ["reports", "Reports"],
  ["refunds", "Refunds"],
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
        {tab === "moderation" ? <ModerationQueue /> : tab === "reports" ? <ReportsQueue /> : <RefundForm />}
      </div>
    </div>
  );
}

function ModerationQueue() {
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const [rejecting, setRejecting] = useState<ModerationItem | null>(null);
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
                <span>{p.category}</span>
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
    if (!reason.trim()) return setLocalError("Tell the creator what to fix.");
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
  const [action, setAction] = useState("dismiss");
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
        <SelectField label="Outcome" value={action} onChange={(e) => setAction(e.target.value)}>
          <option value="dismiss">No action needed</option>
          <option value="remove">Content removed</option>
          {report.target_type === "persona" ? <option value="suspend">Persona suspended</option> : null}
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

function RefundForm() {
  const { notify } = useToast();
  const [paymentId, setPaymentId] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const mutation = useMutation({
    mutationFn: (id: string) => refundPayment(id),
    onSuccess: (_d, id) => {
      setConfirming(false);
      setDone(id);
      setPaymentId("");
      notify(`Payment ${id} refunded.`);
    },
    onError: () => setConfirming(false),
  });
  return (
    <section className="card" aria-labelledby="refund-heading">
      <h2 id="refund-heading">Refund a payment</h2>
      <p className="muted">The buyer gets their money back and the creator's earning is reversed.</p>
      {done ? <Alert kind="success">Payment {done} was refunded.</Alert> : null}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (paymentId.trim()) setConfirming(true);
        }}
        noValidate
      >
        <FormError error={mutation.error} />
        <TextField label="Payment ID" value={paymentId} onChange={(e) => setPaymentId(e.target.value)} required autoComplete="off" />
        <div className="form-actions">
          <button type="submit" className="btn btn-danger" disabled={!paymentId.trim() || mutation.isPending}>
            {mutation.isPending ? "Refunding…" : "Refund payment"}
          </button>
        </div>
      </form>
      {confirming ? (
        <ConfirmDialog
          title="Refund this payment?"
          message={
            <p>
              Payment <strong>{paymentId.trim()}</strong> will be refunded in full. This can't be undone.
            </p>
          }
          confirmLabel="Refund"
          danger
          busy={mutation.isPending}
          onConfirm={() => mutation.mutate(paymentId.trim())}
          onCancel={() => setConfirming(false)}
        />
      ) : null}
    </section>
  );
}
