import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { getCreatorTrusted, listAdminUsers, setCreatorTrusted, setUserRoles, suspendUser, type AdminUser } from "../../api/admin";
import { errorMessage } from "../../api";
import { useAuth } from "../../auth/AuthContext";
import { TextField } from "../../components/Field";
import { ReasonDialog } from "../../components/ReasonDialog";
import { PagedRows } from "../../components/PagedRows";
import { EmptyState } from "../../components/States";
import { useToast } from "../../components/Toast";
import { formatDate } from "../../lib/format";
import { usePagedList } from "../../lib/usePagedList";

/** Every account, newest first, found by part of the e-mail or username: suspend, make admin,
 * trust as a creator (their new versions skip review). */
export function UsersTab() {
  const [draft, setDraft] = useState("");
  const [q, setQ] = useState("");
  const [suspending, setSuspending] = useState<AdminUser | null>(null);
  const list = usePagedList(["admin", "users", q], (p) => listAdminUsers({ ...p, q }), { limit: 25 });
  const search = (e: FormEvent) => {
    e.preventDefault();
    setQ(draft.trim());
  };
  return (
    <>
      <form className="filter-bar" role="search" onSubmit={search}>
        <TextField className="grow" label="Find a user" placeholder="Part of an e-mail address or username" value={draft} onChange={(e) => setDraft(e.target.value)} autoComplete="off" />
        <button type="submit" className="btn">
          Search
        </button>
      </form>
      <PagedRows
        list={list}
        label="Users"
        loadingLabel="Loading users…"
        empty={<EmptyState title="No users found">{q ? `Nobody matches “${q}”.` : "No accounts yet."}</EmptyState>}
        row={(u) => <UserRow key={u.id} user={u} onSuspend={() => setSuspending(u)} />}
      />
      {suspending ? <SuspendDialog user={suspending} onClose={() => setSuspending(null)} /> : null}
    </>
  );
}

function UserRow({ user, onSuspend }: { user: AdminUser; onSuspend: () => void }) {
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const { user: me } = useAuth();
  const isAdmin = user.roles.includes("admin");
  const trusted = useQuery({ queryKey: ["admin", "trust", user.id], queryFn: () => getCreatorTrusted(user.id) });
  const roles = useMutation({
    mutationFn: () => setUserRoles(user.id, isAdmin ? ["user"] : ["user", "admin"]),
    onSuccess: (u) => {
      notify(u.roles.includes("admin") ? `${u.username} is now an admin.` : `${u.username} is no longer an admin.`);
      void queryClient.invalidateQueries({ queryKey: ["admin", "users"] });
    },
    onError: (e) => notify(errorMessage(e), "error"),
  });
  const trust = useMutation({
    mutationFn: () => setCreatorTrusted(user.id, !trusted.data?.trusted),
    onSuccess: (r) => {
      notify(r.trusted ? `${user.username}'s new versions now go live without review.` : `${user.username}'s new versions are reviewed again.`);
      queryClient.setQueryData(["admin", "trust", user.id], r);
    },
    onError: (e) => notify(errorMessage(e), "error"),
  });
  const self = me?.id === user.id;
  return (
    <li className="card row-item">
      <div className="row-main">
        <h3 className="row-title">
          <Link to={`/creators/${encodeURIComponent(user.username)}`}>{user.username}</Link>
        </h3>
        <div className="row-meta muted">
          <span>{user.email}</span>
          {isAdmin ? <span className="badge badge-approved">Admin</span> : null}
          {trusted.data?.trusted ? <span className="badge badge-approved">Trusted creator</span> : null}
          {user.email_verified ? null : <span className="badge badge-pending">E-mail not verified</span>}
          {user.suspended_at ? (
            <>
              <span className="badge badge-rejected">Suspended</span>
              <span>Reason: {user.suspend_reason}</span>
            </>
          ) : null}
          <span>Joined {formatDate(user.created_at)}</span>
        </div>
      </div>
      <div className="row-actions">
        <button type="button" className="btn btn-small" onClick={() => roles.mutate()} disabled={self || roles.isPending} aria-label={`${isAdmin ? "Remove admin" : "Make admin"}: ${user.username}`}>
          {isAdmin ? "Remove admin" : "Make admin"}
        </button>
        <button type="button" className="btn btn-small btn-ghost" onClick={() => trust.mutate()} disabled={!trusted.isSuccess || trust.isPending} aria-label={`${trusted.data?.trusted ? "Stop trusting" : "Trust"}: ${user.username}`}>
          {trusted.data?.trusted ? "Stop trusting" : "Trust creator"}
        </button>
        {user.suspended_at ? null : (
          <button type="button" className="btn btn-small btn-danger" onClick={onSuspend} disabled={self} aria-label={`Suspend ${user.username}`}>
            Suspend
          </button>
        )}
      </div>
    </li>
  );
}

function SuspendDialog({ user, onClose }: { user: AdminUser; onClose: () => void }) {
  const queryClient = useQueryClient();
  return (
    <ReasonDialog
      title={`Suspend ${user.username}`}
      hint="Recorded with the suspension. The account cannot sign in, and its sessions end at once."
      rows={3}
      missing="Give a reason for the suspension."
      submitLabel="Suspend account"
      busyLabel="Suspending…"
      run={(reason) => suspendUser(user.id, reason)}
      notice={`Suspended ${user.username}: they are signed out everywhere.`}
      onDone={() => void queryClient.invalidateQueries({ queryKey: ["admin", "users"] })}
      onClose={onClose}
    />
  );
}
