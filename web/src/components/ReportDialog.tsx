import { useState, type FormEvent } from "react";
import type { ReportInput } from "../api";
import { SelectField, TextArea } from "./Field";
import { Modal } from "./Modal";
import { FormError } from "./States";
import { fieldErrorsOf } from "../lib/forms";

const REASONS = [
  ["spam", "Spam or scam"],
  ["inappropriate", "Offensive or inappropriate"],
  ["copyright", "Copies someone else's work"],
  ["misleading", "Misleading description"],
  ["other", "Something else"],
] as const;

export function ReportDialog({ title, onSubmit, onClose }: { title: string; onSubmit: (input: ReportInput) => Promise<unknown>; onClose: () => void }) {
  const [reason, setReason] = useState<string>("spam");
  const [details, setDetails] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSubmit({ reason, details: details.trim() || undefined });
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const fe = fieldErrorsOf(error);

  return (
    <Modal title={title} onClose={onClose}>
      {done ? (
        <div role="status">
          <p>Thanks — our moderators will take a look.</p>
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
        </div>
      ) : (
        <form onSubmit={submit}>
          <FormError error={error && !fe.reason && !fe.details ? error : null} />
          <SelectField label="Reason" value={reason} onChange={(e) => setReason(e.target.value)} error={fe.reason}>
            {REASONS.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </SelectField>
          <TextArea label="Details (optional)" rows={4} value={details} onChange={(e) => setDetails(e.target.value)} error={fe.details} maxLength={2000} />
          <div className="form-actions">
            <button type="button" className="btn btn-ghost" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="btn btn-danger" disabled={busy}>
              {busy ? "Sending…" : "Send report"}
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
}
