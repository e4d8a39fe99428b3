import { useMutation } from "@tanstack/react-query";
import { z } from "zod";
import { binder, formLevelError, useZodForm } from "../lib/forms";
import { TextArea } from "./Field";
import { FormActions } from "./FormActions";
import { Modal } from "./Modal";
import { FormError } from "./States";
import { useToast } from "./Toast";

/**
 * A dialog that asks for the reason of a moderator's action (reject, suspend) and runs it:
 * `run` with the reason, then it says `notice`, calls `onDone` (to refresh what changed) and
 * closes. `min` characters at least (trimmed), `missing` says what is wanted when there are fewer.
 */
export function ReasonDialog({
  title,
  label = "Reason",
  hint,
  rows = 4,
  min = 1,
  max,
  missing,
  submitLabel,
  busyLabel,
  run,
  notice,
  onDone,
  onClose,
}: {
  title: string;
  label?: string;
  hint: string;
  rows?: number;
  min?: number;
  max?: number;
  missing: string;
  submitLabel: string;
  busyLabel: string;
  run: (reason: string) => Promise<unknown>;
  notice: string;
  onDone: () => void;
  onClose: () => void;
}) {
  const { notify } = useToast();
  const action = useMutation({
    mutationFn: run,
    onSuccess: () => {
      notify(notice);
      onDone();
      onClose();
    },
  });
  const reason = z.string().trim().min(min, missing);
  const form = useZodForm(z.object({ reason: max ? reason.max(max) : reason }), { reason: "" });
  const bind = binder(form, action.error);
  return (
    <Modal title={title} onClose={onClose}>
      <form onSubmit={form.handleSubmit((values) => action.mutate(values.reason))} noValidate>
        <FormError error={formLevelError(action.error, ["reason"])} />
        <TextArea label={label} rows={rows} {...bind("reason")} hint={hint} />
        <FormActions label={submitLabel} busyLabel={busyLabel} busy={action.isPending} onCancel={onClose} kind="danger" />
      </form>
    </Modal>
  );
}
