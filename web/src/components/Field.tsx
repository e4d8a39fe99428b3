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

export function TextField({ label, error, hint, className, id, ...input }: BaseProps & InputHTMLAttributes<HTMLInputElement>) {
  const auto = useId();
  const fieldId = id ?? auto;
  const hintId = `${fieldId}-hint`;
  const errorId = `${fieldId}-error`;
  return (
    <div className={`field${error ? " has-error" : ""}${className ? ` ${className}` : ""}`}>
      <label htmlFor={fieldId}>
        {label}
        {input.required ? <span className="req" aria-hidden="true"> *</span> : null}
      </label>
      <input id={fieldId} aria-invalid={error ? true : undefined} aria-describedby={describedBy(hintId, errorId, hint, error)} {...input} />
      {hint ? (
        <div className="hint" id={hintId}>
          {hint}
        </div>
      ) : null}
      {error ? (
        <div className="field-error" id={errorId}>
          {error}
        </div>
      ) : null}
    </div>
  );
}

export function TextArea({ label, error, hint, className, id, ...input }: BaseProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const auto = useId();
  const fieldId = id ?? auto;
  const hintId = `${fieldId}-hint`;
  const errorId = `${fieldId}-error`;
  return (
    <div className={`field${error ? " has-error" : ""}${className ? ` ${className}` : ""}`}>
      <label htmlFor={fieldId}>
        {label}
        {input.required ? <span className="req" aria-hidden="true"> *</span> : null}
      </label>
      <textarea id={fieldId} aria-invalid={error ? true : undefined} aria-describedby={describedBy(hintId, errorId, hint, error)} {...input} />
      {hint ? (
        <div className="hint" id={hintId}>
          {hint}
        </div>
      ) : null}
      {error ? (
        <div className="field-error" id={errorId}>
          {error}
        </div>
      ) : null}
    </div>
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
  const auto = useId();
  const fieldId = id ?? auto;
  const hintId = `${fieldId}-hint`;
  const errorId = `${fieldId}-error`;
  return (
    <div className={`field${error ? " has-error" : ""}${className ? ` ${className}` : ""}`}>
      <label htmlFor={fieldId}>
        {label}
        {input.required ? <span className="req" aria-hidden="true"> *</span> : null}
      </label>
      <select id={fieldId} aria-invalid={error ? true : undefined} aria-describedby={describedBy(hintId, errorId, hint, error)} {...input}>
        {children}
      </select>
      {hint ? (
        <div className="hint" id={hintId}>
          {hint}
        </div>
      ) : null}
      {error ? (
        <div className="field-error" id={errorId}>
          {error}
        </div>
      ) : null}
    </div>
  );
}

export function CheckboxField({ label, hint, error, className, id, ...input }: BaseProps & Omit<InputHTMLAttributes<HTMLInputElement>, "type">) {
  const auto = useId();
  const fieldId = id ?? auto;
  const hintId = `${fieldId}-hint`;
  const errorId = `${fieldId}-error`;
  return (
    <div className={`checkbox${className ? ` ${className}` : ""}`}>
      <input type="checkbox" id={fieldId} aria-describedby={describedBy(hintId, errorId, hint, error)} {...input} />
      <div>
        <label htmlFor={fieldId}>{label}</label>
        {hint ? (
          <div className="hint" id={hintId}>
            {hint}
          </div>
        ) : null}
        {error ? (
          <div className="field-error" id={errorId}>
            {error}
          </div>
        ) : null}
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
