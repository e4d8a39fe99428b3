import { useState } from "react";
import { Link } from "react-router";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { approvePersona, errorMessage, getModerationQueue, rejectPersona, type ModerationItem } from "../../api";
import { qk } from "../../api/queryKeys";
import { ReasonDialog } from "../../components/ReasonDialog";
import { PagedRows } from "../../components/PagedRows";
import { EmptyState } from "../../components/States";
import { useToast } from "../../components/Toast";
import { formatDateTime } from "../../lib/format";
import { formatPrice } from "../../lib/money";
import { useCategoryName } from "../../lib/useCatalog";
import { usePagedList } from "../../lib/usePagedList";
import { ReviewActions } from "./ReviewActions";
import { ReviewFiles } from "./ReviewFiles";
import { VersionReviews } from "./VersionReviews";

export function ModerationTab() {
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const [rejecting, setRejecting] = useState<ModerationItem | null>(null);
  const categoryName = useCategoryName();
  const list = usePagedList(qk.moderation, getModerationQueue, { limit: 50 });
  const approve = useMutation({
    mutationFn: (p: ModerationItem) => approvePersona(p.id),
    onSuccess: (_d, p) => {
      notify(`Approved “${p.name}”.`);
      void queryClient.invalidateQueries({ queryKey: qk.moderation });
    },
    onError: (e) => notify(errorMessage(e), "error"),
  });
  return (
    <>
      <h2>New personas awaiting review</h2>
      <PagedRows
        list={list}
        label="Personas awaiting review"
        loadingLabel="Loading the moderation queue…"
        empty={<EmptyState title="The queue is empty">No personas are waiting for review.</EmptyState>}
        row={(p) => (
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
              <ReviewFiles personaId={p.id} label={p.name} />
            </div>
            <ReviewActions what={p.name} approving={approve.isPending && approve.variables?.id === p.id} onApprove={() => approve.mutate(p)} onReject={() => setRejecting(p)} />
          </li>
        )}
      />
      {rejecting ? <RejectDialog persona={rejecting} onClose={() => setRejecting(null)} /> : null}
      <VersionReviews />
    </>
  );
}

function RejectDialog({ persona, onClose }: { persona: ModerationItem; onClose: () => void }) {
  const queryClient = useQueryClient();
  return (
    <ReasonDialog
      title={`Reject “${persona.name}”`}
      label="Reason for rejection"
      hint="The creator sees this. Be specific about what to change."
      min={3}
      max={2000}
      missing="Tell the creator what to fix."
      submitLabel="Reject persona"
      busyLabel="Rejecting…"
      run={(reason) => rejectPersona(persona.id, reason)}
      notice={`Rejected “${persona.name}”.`}
      onDone={() => void queryClient.invalidateQueries({ queryKey: qk.moderation })}
      onClose={onClose}
    />
  );
}
