import { z } from "zod";
import { binder, formLevelError, useZodForm } from "../lib/forms";
import { TextArea } from "./Field";
import { FormActions } from "./FormActions";
import { Modal } from "./Modal";
import { FormError } from "./States";

/** What a moderator's action needs: the mutation that takes the reason. */
export interface ReasonAction {
  mutate: (reason: string) => void;
  isPending: boolean;
  error: unknown;
}

/**
 * A dialog that asks for the reason of a moderator's action (reject, suspend) and runs it.
 * `min` characters at least (trimmed), `missing` says what is wanted when there are fewer.
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
  action,
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
  action: ReasonAction;
  onClose: () => void;
}) {
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
