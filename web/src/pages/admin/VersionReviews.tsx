import { useState } from "react";
import { Link } from "react-router";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { approveVersion, getVersionQueue, rejectVersion, setCreatorTrusted, type VersionReview } from "../../api/admin";
import { errorMessage } from "../../api";
import { ReasonDialog } from "../../components/ReasonDialog";
import { PagedRows } from "../../components/PagedRows";
import { EmptyState } from "../../components/States";
import { useToast } from "../../components/Toast";
import { formatDateTime } from "../../lib/format";
import { usePagedList } from "../../lib/usePagedList";
import { ReviewActions } from "./ReviewActions";
import { ReviewFiles } from "./ReviewFiles";

const KEY = ["admin", "moderation", "versions"] as const;

/** New versions of approved personas: the live version stays until one is approved here. */
export function VersionReviews() {
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const [rejecting, setRejecting] = useState<VersionReview | null>(null);
  const list = usePagedList(KEY, getVersionQueue, { limit: 50 });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: KEY });
  const approve = useMutation({
    mutationFn: (v: VersionReview) => approveVersion(v.persona_id, v.version),
    onSuccess: (_d, v) => {
      notify(`Published ${v.persona_name} v${v.version}.`);
      refresh();
    },
    onError: (e) => notify(errorMessage(e), "error"),
  });
  const trust = useMutation({
    mutationFn: (v: VersionReview) => setCreatorTrusted(v.creator_id, !v.creator_trusted),
    onSuccess: (r, v) => {
      notify(r.trusted ? `${v.creator_username ?? "The creator"} is trusted: their next versions go live without review.` : `${v.creator_username ?? "The creator"}'s versions are reviewed again.`);
      refresh();
    },
    onError: (e) => notify(errorMessage(e), "error"),
  });
  return (
    <section className="stack" aria-labelledby="versions-heading">
      <h2 id="versions-heading">New versions awaiting review</h2>
      <PagedRows
        list={list}
        label="Versions awaiting review"
        loadingLabel="Loading new versions…"
        empty={<EmptyState title="No new versions to review">Creators' updates to approved personas appear here.</EmptyState>}
        row={(v) => (
          <li key={v.persona_id} className="card row-item">
            <div className="row-main">
              <h3 className="row-title">
                <Link to={`/marketplace/${encodeURIComponent(v.persona_id)}`}>{v.persona_name}</Link> v{v.version}
              </h3>
              <p>{v.changelog || <span className="muted">No changelog.</span>}</p>
              <div className="row-meta muted">
                <span>by {v.creator_username ?? "unknown"}</span>
                {v.creator_trusted ? <span className="badge badge-approved">Trusted creator</span> : null}
                <span>Live now: {v.live_version ? `v${v.live_version}` : "none"}</span>
                <span>Sent {formatDateTime(v.submitted_at)}</span>
              </div>
              <ReviewFiles personaId={v.persona_id} version={v.version} label={`${v.persona_name} v${v.version}`} />
            </div>
            <ReviewActions what={`${v.persona_name} v${v.version}`} approving={approve.isPending} onApprove={() => approve.mutate(v)} onReject={() => setRejecting(v)}>
              <button type="button" className="btn btn-small btn-ghost" onClick={() => trust.mutate(v)} disabled={trust.isPending}>
                {v.creator_trusted ? "Stop trusting creator" : "Trust creator"}
              </button>
            </ReviewActions>
          </li>
        )}
      />
      {rejecting ? <RejectVersionDialog item={rejecting} onClose={() => setRejecting(null)} onDone={refresh} /> : null}
    </section>
  );
}

function RejectVersionDialog({ item, onClose, onDone }: { item: VersionReview; onClose: () => void; onDone: () => void }) {
  return (
    <ReasonDialog
      title={`Reject ${item.persona_name} v${item.version}`}
      label="Reason for rejection"
      hint="The creator sees this. The live version stays as it is."
      min={3}
      missing="Tell the creator what to fix."
      submitLabel="Reject version"
      busyLabel="Rejecting…"
      run={(reason) => rejectVersion(item.persona_id, item.version, reason)}
      notice={`Rejected ${item.persona_name} v${item.version}; v${item.live_version ?? "?"} stays live.`}
      onDone={onDone}
      onClose={onClose}
    />
  );
}
