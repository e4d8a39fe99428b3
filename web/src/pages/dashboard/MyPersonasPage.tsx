import { useState } from "react";
import { Link } from "react-router";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { deletePersona, errorMessage, listMyPersonas, submitPersona, type Persona, type PersonaStatus as Status } from "../../api";
import { useAuth } from "../../auth/AuthContext";
import { qk } from "../../api/queryKeys";
import { DeletePersonaDialog } from "../../components/DeletePersonaDialog";
import { Stars } from "../../components/Stars";
import { PagedList } from "../../components/PagedList";
import { EmptyState } from "../../components/States";
import { PersonaStatus, statusLabel } from "../../components/StatusBadge";
import { useToast } from "../../components/Toast";
import { formatDate, pluralize } from "../../lib/format";
import { formatPrice } from "../../lib/money";
import { usePagedList } from "../../lib/usePagedList";
import { useTitle } from "../../lib/useTitle";

const STATUSES: Status[] = ["draft", "pending", "approved", "rejected", "suspended"];

export default function MyPersonasPage() {
  useTitle("My personas");
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const [statusFilter, setStatusFilter] = useState<Status | "">("");
  const [toDelete, setToDelete] = useState<Persona | null>(null);
  const list = usePagedList(qk.myPersonas, listMyPersonas, { limit: 50 });
  const remove = useMutation({
    mutationFn: (p: Persona) => deletePersona(p.id),
    onSuccess: (_d, p) => {
      notify(`${p.name} was deleted.`);
      setToDelete(null);
      void queryClient.invalidateQueries({ queryKey: qk.myPersonas });
    },
    onError: (e) => notify(errorMessage(e), "error"),
  });

  const { user } = useAuth();
  const submit = useMutation({
    mutationFn: (p: Persona) => submitPersona(p.id),
    onSuccess: (_d, p) => {
      notify(`${p.name} was sent for review.`);
      void queryClient.invalidateQueries({ queryKey: qk.myPersonas });
      void queryClient.invalidateQueries({ queryKey: qk.persona(p.id) });
    },
    onError: (e) => notify(errorMessage(e), "error"),
  });
  const submittable = (p: Persona) => (p.status === "draft" || p.status === "rejected" || p.status === "suspended") && !!p.latest_version && !!user?.email_verified;

  const all = list.items;
  const items = statusFilter ? all.filter((p) => p.status === statusFilter) : all;
  const counts = STATUSES.map((s) => [s, all.filter((p) => p.status === s).length] as const);

  return (
    <div className="stack">
      <div className="page-head">
        <h1>My personas</h1>
        <Link to="/marketplace/submit" className="btn btn-primary">
          New persona
        </Link>
      </div>
      <PagedList
        list={list}
        loadingLabel="Loading your personas…"
        empty={
        <EmptyState
          title="You haven't created a persona yet"
          action={
            <Link to="/marketplace/submit" className="btn btn-primary">
              Create your first persona
            </Link>
          }
        >
          Package your voice — prompts, style guide and examples — and sell it to other creators.
        </EmptyState>
        }
      >
        {() => (
        <>
          <div className="chips" role="group" aria-label="Filter by status">
            <button type="button" className={`chip${statusFilter === "" ? " chip-on" : ""}`} aria-pressed={statusFilter === ""} onClick={() => setStatusFilter("")}>
              All ({all.length})
            </button>
            {counts
              .filter(([, n]) => n > 0)
              .map(([s, n]) => (
                <button key={s} type="button" className={`chip${statusFilter === s ? " chip-on" : ""}`} aria-pressed={statusFilter === s} onClick={() => setStatusFilter(s)}>
                  {statusLabel(s)} ({n})
                </button>
              ))}
          </div>
          <ul className="row-list" aria-label="Your personas">
            {items.map((p) => (
              <li key={p.id} className="card row-item">
                <div className="row-main">
                  <h2 className="row-title">
                    <Link to={`/dashboard/personas/${encodeURIComponent(p.id)}/edit`}>{p.name}</Link>
                  </h2>
                  <PersonaStatus status={p.status} reason={p.rejection_reason} />
                  <div className="row-meta muted">
                    <span>{formatPrice(p.price_cents, p.currency)}</span>
                    <span>{pluralize(p.downloads, "download")}</span>
                    <Stars value={p.rating_avg} count={p.rating_count} size="sm" />
                    {p.latest_version ? <span>v{p.latest_version}</span> : null}
                    <span>Updated {formatDate(p.updated_at)}</span>
                  </div>
                </div>
                <div className="row-actions">
                  {submittable(p) ? (
                    <button
                      type="button"
                      className="btn btn-small btn-primary"
                      onClick={() => submit.mutate(p)}
                      disabled={submit.isPending && submit.variables?.id === p.id}
                      aria-label={`Submit ${p.name} for review`}
                    >
                      Submit for review
                    </button>
                  ) : null}
                  <Link className="btn btn-small" to={`/dashboard/personas/${encodeURIComponent(p.id)}/edit`} aria-label={`Edit ${p.name}`}>
                    Edit
                  </Link>
                  <Link className="btn btn-small" to={`/dashboard/personas/${encodeURIComponent(p.id)}/analytics`} aria-label={`Analytics of ${p.name}`}>
                    Analytics
                  </Link>
                  {p.status === "approved" ? (
                    <Link className="btn btn-small btn-ghost" to={`/marketplace/${encodeURIComponent(p.id)}`} aria-label={`View ${p.name} in the marketplace`}>
                      View
                    </Link>
                  ) : null}
                  <button type="button" className="btn btn-small btn-ghost danger-text" onClick={() => setToDelete(p)} aria-label={`Delete ${p.name}`}>
                    Delete
                  </button>
                </div>
              </li>
            ))}
          </ul>
          {items.length === 0 ? <p className="muted">No personas with this status.</p> : null}
        </>
        )}
      </PagedList>
      {toDelete ? (
        <DeletePersonaDialog name={toDelete.name} busy={remove.isPending} onConfirm={() => remove.mutate(toDelete)} onCancel={() => setToDelete(null)} />
      ) : null}
    </div>
  );
}
