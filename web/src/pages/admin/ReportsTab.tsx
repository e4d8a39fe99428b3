import { useState } from "react";
import { Link } from "react-router";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { listReports, resolveReport, type Report } from "../../api";
import { qk } from "../../api/queryKeys";
import { SelectField, TextArea } from "../../components/Field";
import { FormActions } from "../../components/FormActions";
import { Modal } from "../../components/Modal";
import { PagedRows } from "../../components/PagedRows";
import { EmptyState, FormError } from "../../components/States";
import { useToast } from "../../components/Toast";
import { formatDateTime } from "../../lib/format";
import { usePagedList } from "../../lib/usePagedList";

export function ReportsTab() {
  const [resolving, setResolving] = useState<Report | null>(null);
  const list = usePagedList(qk.reports, listReports, { limit: 50 });
  return (
    <>
      <PagedRows
        list={list}
        label="Reports"
        loadingLabel="Loading reports…"
        empty={<EmptyState title="No open reports">Nothing has been reported.</EmptyState>}
        row={(r) => <ReportRow key={r.id} report={r} onResolve={() => setResolving(r)} />}
      />
      {resolving ? <ResolveDialog report={resolving} onClose={() => setResolving(null)} /> : null}
    </>
  );
}

function ReportRow({ report: r, onResolve }: { report: Report; onResolve: () => void }) {
  const personaId = r.target_type === "persona" ? r.target_id : r.persona_id;
  return (
    <li className="card row-item">
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
          <button type="button" className="btn btn-small" onClick={onResolve} aria-label={`Resolve report ${r.id}`}>
            Resolve
          </button>
        ) : null}
      </div>
    </li>
  );
}

const resolveSchema = z.object({ action: z.enum(["dismiss", "take_down"]), note: z.string().trim().max(2000) });
type ResolveValues = z.infer<typeof resolveSchema>;

function ResolveDialog({ report, onClose }: { report: Report; onClose: () => void }) {
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const form = useForm<ResolveValues>({ resolver: zodResolver(resolveSchema), defaultValues: { action: "dismiss", note: "" } });
  const action = form.watch("action");
  const mutation = useMutation({
    mutationFn: ({ action, note }: ResolveValues) => resolveReport(report.id, { action, note: note || undefined }),
    onSuccess: () => {
      notify("Report resolved.");
      void queryClient.invalidateQueries({ queryKey: qk.reports });
      void queryClient.invalidateQueries({ queryKey: qk.moderation });
      onClose();
    },
  });
  return (
    <Modal title="Resolve report" onClose={onClose}>
      <form onSubmit={form.handleSubmit((values) => mutation.mutate(values))}>
        <FormError error={mutation.error} />
        <SelectField
          label="Outcome"
          {...form.register("action")}
          hint={action === "take_down" ? "Every open report on the same content is closed with this one." : undefined}
        >
          <option value="dismiss">Dismiss: no action needed</option>
          <option value="take_down">{report.target_type === "persona" ? "Take down: suspend the persona" : "Take down: remove the review"}</option>
        </SelectField>
        <TextArea label="Note (optional)" rows={3} {...form.register("note")} error={form.formState.errors.note?.message} />
        <FormActions label="Mark resolved" busyLabel="Saving…" busy={mutation.isPending} onCancel={onClose} />
      </form>
    </Modal>
  );
}
