/** A form's buttons: an optional Cancel, then the submit button, which says what it is doing while busy. */
export function FormActions({
  label,
  busyLabel,
  busy,
  onCancel,
  disabled,
  kind = "primary",
}: {
  label: string;
  busyLabel: string;
  busy: boolean;
  onCancel?: () => void;
  /** Not submittable yet (besides while busy). */
  disabled?: boolean;
  kind?: "primary" | "danger";
}) {
  return (
    <div className="form-actions">
      {onCancel ? (
        <button type="button" className="btn btn-ghost" onClick={onCancel}>
          Cancel
        </button>
      ) : null}
      <button type="submit" className={`btn btn-${kind}`} disabled={busy || disabled}>
        {busy ? busyLabel : label}
      </button>
    </div>
  );
}
