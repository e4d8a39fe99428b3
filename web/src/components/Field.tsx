import { useId, useState, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";

interface BaseProps {
  label: ReactNode;
  error?: string;
  hint?: ReactNode;
  /** Extra class on the wrapper. */
  className?: string;
}

function describedBy(hintId: string, errorId: string, hint?: ReactNode, error?: string) {
  const ids = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ");
  return ids || undefined;
}

/** The ids and ARIA attributes a labelled control needs, from its own `id` or a generated one. */
function useFieldIds(id: string | undefined, hint?: ReactNode, error?: string) {
  const auto = useId();
  const fieldId = id ?? auto;
  const hintId = `${fieldId}-hint`;
  const errorId = `${fieldId}-error`;
  const aria = { id: fieldId, "aria-describedby": describedBy(hintId, errorId, hint, error) };
  return { fieldId, hintId, errorId, aria };
}

function HintAndError({ hint, error, hintId, errorId }: { hint?: ReactNode; error?: string; hintId: string; errorId: string }) {
  return (
    <>
      {hint ? (
        <div className="hint" id={hintId}>
          {hint}
        </div>
      ) : null}
      <FieldError message={error} id={errorId} />
    </>
  );
}

/** An error line under a field or group (nothing when there is no message). */
export function FieldError({ message, id }: { message?: string; id?: string }) {
  return message ? (
    <div className="field-error" id={id}>
      {message}
    </div>
  ) : null;
}

/** Label, control, hint and error: the one layout of every text-like field. */
function FieldShell({ label, error, hint, className, required, id, children }: BaseProps & { required?: boolean; id: string | undefined; children: (aria: { id: string; "aria-describedby"?: string; "aria-invalid"?: true }) => ReactNode }) {
  const { fieldId, hintId, errorId, aria } = useFieldIds(id, hint, error);
  return (
    <div className={`field${error ? " has-error" : ""}${className ? ` ${className}` : ""}`}>
      <label htmlFor={fieldId}>
        {label}
        {required ? <span className="req" aria-hidden="true"> *</span> : null}
      </label>
      {children({ ...aria, "aria-invalid": error ? true : undefined })}
      <HintAndError hint={hint} error={error} hintId={hintId} errorId={errorId} />
    </div>
  );
}

export function TextField({ label, error, hint, className, id, ...input }: BaseProps & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <FieldShell label={label} error={error} hint={hint} className={className} required={input.required} id={id}>
      {(aria) => <input {...aria} {...input} />}
    </FieldShell>
  );
}

export function TextArea({ label, error, hint, className, id, ...input }: BaseProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return (
    <FieldShell label={label} error={error} hint={hint} className={className} required={input.required} id={id}>
      {(aria) => <textarea {...aria} {...input} />}
    </FieldShell>
  );
}

export function SelectField({
  label,
  error,
  hint,
  className,
  id,
  children,
  ...input
}: BaseProps & SelectHTMLAttributes<HTMLSelectElement> & { children: ReactNode }) {
  return (
    <FieldShell label={label} error={error} hint={hint} className={className} required={input.required} id={id}>
      {(aria) => (
        <select {...aria} {...input}>
          {children}
        </select>
      )}
    </FieldShell>
  );
}

export function CheckboxField({ label, hint, error, className, id, ...input }: BaseProps & Omit<InputHTMLAttributes<HTMLInputElement>, "type">) {
  const { fieldId, hintId, errorId, aria } = useFieldIds(id, hint, error);
  return (
    <div className={`checkbox${className ? ` ${className}` : ""}`}>
      <input type="checkbox" {...aria} {...input} />
      <div>
        <label htmlFor={fieldId}>{label}</label>
        <HintAndError hint={hint} error={error} hintId={hintId} errorId={errorId} />
      </div>
    </div>
  );
}

/** Password input with a Show/Hide toggle button (not a label, so getByLabel("Password") stays unique). */
export function PasswordField(props: BaseProps & Omit<InputHTMLAttributes<HTMLInputElement>, "type">) {
  const [visible, setVisible] = useState(false);
  const auto = useId();
  const id = props.id ?? auto;
  return (
    <div className="password-field">
      <TextField {...props} id={id} type={visible ? "text" : "password"} />
      <button type="button" className="btn btn-ghost btn-small password-toggle" aria-controls={id} aria-pressed={visible} onClick={() => setVisible((v) => !v)}>
        {visible ? "Hide" : "Show"}
      </button>
    </div>
  );
}
