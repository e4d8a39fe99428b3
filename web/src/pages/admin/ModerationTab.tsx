import { useState } from "react";
import { Link } from "react-router";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { approvePersona, errorMessage, getModerationQueue, rejectPersona, type ModerationItem } from "../../api";
import { qk } from "../../api/queryKeys";
import { TextArea } from "../../components/Field";
import { FormActions } from "../../components/FormActions";
import { Modal } from "../../components/Modal";
import { PagedList } from "../../components/PagedList";
import { EmptyState, FormError } from "../../components/States";
import { useToast } from "../../components/Toast";
import { formatDateTime } from "../../lib/format";
import { fieldErrorsOf } from "../../lib/forms";
import { formatPrice } from "../../lib/money";
import { useCategoryName } from "../../lib/useCatalog";
import { usePagedList } from "../../lib/usePagedList";
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
      <PagedList list={list} loadingLabel="Loading the moderation queue…" empty={<EmptyState title="The queue is empty">No personas are waiting for review.</EmptyState>}>
        {(items) => (
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
                  <ReviewFiles personaId={p.id} label={p.name} />
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
        )}
      </PagedList>
      {rejecting ? <RejectDialog persona={rejecting} onClose={() => setRejecting(null)} /> : null}
      <VersionReviews />
    </>
  );
}

const rejectSchema = z.object({ reason: z.string().trim().min(3, "Tell the creator what to fix.").max(2000) });
type RejectValues = z.infer<typeof rejectSchema>;

function RejectDialog({ persona, onClose }: { persona: ModerationItem; onClose: () => void }) {
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const form = useForm<RejectValues>({ resolver: zodResolver(rejectSchema), defaultValues: { reason: "" } });
  const mutation = useMutation({
    mutationFn: ({ reason }: RejectValues) => rejectPersona(persona.id, reason),
    onSuccess: () => {
      notify(`Rejected “${persona.name}”.`);
      void queryClient.invalidateQueries({ queryKey: qk.moderation });
      onClose();
    },
  });
  return (
    <Modal title={`Reject “${persona.name}”`} onClose={onClose}>
      <form onSubmit={form.handleSubmit((values) => mutation.mutate(values))} noValidate>
        <FormError error={mutation.error && !fieldErrorsOf(mutation.error).reason ? mutation.error : null} />
        <TextArea
          label="Reason for rejection"
          rows={4}
          {...form.register("reason")}
          error={form.formState.errors.reason?.message ?? fieldErrorsOf(mutation.error).reason}
          hint="The creator sees this. Be specific about what to change."
        />
        <FormActions label="Reject persona" busyLabel="Rejecting…" busy={mutation.isPending} onCancel={onClose} kind="danger" />
      </form>
    </Modal>
  );
}
