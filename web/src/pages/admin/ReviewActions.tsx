import type { ReactNode } from "react";

/** A review queue row's buttons: approve (off while it runs), reject, and any extra ones. */
export function ReviewActions({ what, approving, onApprove, onReject, children }: { what: string; approving: boolean; onApprove: () => void; onReject: () => void; children?: ReactNode }) {
  return (
    <div className="row-actions">
      <button type="button" className="btn btn-small btn-primary" onClick={onApprove} disabled={approving} aria-label={`Approve ${what}`}>
        Approve
      </button>
      <button type="button" className="btn btn-small btn-danger" onClick={onReject} aria-label={`Reject ${what}`}>
        Reject
      </button>
      {children}
    </div>
  );
}
