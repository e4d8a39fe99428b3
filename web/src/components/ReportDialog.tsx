import { useMutation } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import type { ReportInput } from "../api";
import { SelectField, TextArea } from "./Field";
import { FormActions } from "./FormActions";
import { Modal } from "./Modal";
import { FormError } from "./States";
import { fieldMessage, formLevelError } from "../lib/forms";

const REASONS = [
  ["spam", "Spam or scam"],
  ["inappropriate", "Offensive or inappropriate"],
  ["copyright", "Copies someone else's work"],
  ["misleading", "Misleading description"],
  ["other", "Something else"],
] as const;

const reportSchema = z.object({
  reason: z.enum(REASONS.map(([v]) => v) as [string, ...string[]]),
  details: z.string().trim().max(2000, "At most 2000 characters."),
});
type ReportValues = z.infer<typeof reportSchema>;

export function ReportDialog({ title, onSubmit, onClose }: { title: string; onSubmit: (input: ReportInput) => Promise<unknown>; onClose: () => void }) {
  const form = useForm<ReportValues>({ resolver: zodResolver(reportSchema), defaultValues: { reason: "spam", details: "" } });
  const send = useMutation({ mutationFn: ({ reason, details }: ReportValues) => onSubmit({ reason, details: details || undefined }) });
  const message = (name: keyof ReportValues) => fieldMessage(form.formState.errors, send.error, name);

  return (
    <Modal title={title} onClose={onClose}>
      {send.isSuccess ? (
        <div role="status">
          <p>Thanks — our moderators will take a look.</p>
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
        </div>
      ) : (
        <form onSubmit={form.handleSubmit((values) => send.mutate(values))}>
          <FormError error={formLevelError(send.error, ["reason", "details"])} />
          <SelectField label="Reason" {...form.register("reason")} error={message("reason")}>
            {REASONS.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </SelectField>
          <TextArea label="Details (optional)" rows={4} {...form.register("details")} error={message("details")} maxLength={2000} />
          <FormActions label="Send report" busyLabel="Sending…" busy={send.isPending} onCancel={onClose} kind="danger" />
        </form>
      )}
    </Modal>
  );
}
