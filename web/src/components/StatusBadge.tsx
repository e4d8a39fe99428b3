import type { Persona, PersonaStatus } from "../api";

const LABELS: Record<PersonaStatus, string> = {
  draft: "Draft",
  pending: "In review",
  approved: "Published",
  rejected: "Rejected",
  suspended: "Suspended",
};

export function statusLabel(status: Persona["status"]): string {
  return LABELS[status as PersonaStatus] ?? status;
}

export function StatusBadge({ status }: { status: Persona["status"] }) {
  return (
    <span className={`badge badge-${status}`} data-status={status}>
      {statusLabel(status)}
    </span>
  );
}

/** Badge plus the moderator's reason for rejected or suspended personas. */
export function PersonaStatus({ status, reason }: { status: Persona["status"]; reason?: string | null }) {
  return (
    <div className="persona-status">
      <StatusBadge status={status} />
      {(status === "rejected" || status === "suspended") && reason ? (
        <p className="status-reason">
          <strong>Reason:</strong> {reason}
        </p>
      ) : null}
    </div>
  );
}
