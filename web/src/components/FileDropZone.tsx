import { useId, useRef, useState, type DragEvent } from "react";
import { formatBytes } from "../lib/format";
import { FieldError } from "./Field";

interface Props {
  files: File[];
  onChange: (files: File[]) => void;
  label?: string;
  error?: string;
  hint?: string;
  accept?: string;
  disabled?: boolean;
}

function fileKey(f: File) {
  return `${f.name}|${f.size}|${f.lastModified}`;
}

/** Drag-and-drop area that is also a normal, labelled file input. */
export function FileDropZone({ files, onChange, label = "Files", error, hint, accept, disabled }: Props) {
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  const add = (incoming: FileList | File[] | null) => {
    if (!incoming) return;
    const seen = new Set(files.map(fileKey));
    const next = [...files];
    for (const f of Array.from(incoming)) {
      if (!seen.has(fileKey(f))) {
        next.push(f);
        seen.add(fileKey(f));
      }
    }
    onChange(next);
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    if (!disabled) add(e.dataTransfer.files);
  };

  const total = files.reduce((s, f) => s + f.size, 0);

  return (
    <div className={`field dropzone-field${error ? " has-error" : ""}`}>
      <label htmlFor={id}>{label}</label>
      <div
        className={`dropzone${over ? " over" : ""}${disabled ? " disabled" : ""}`}
        onDragOver={(e) => {
          e.preventDefault();
          if (!disabled) setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <p className="dropzone-text">
          <span aria-hidden="true" className="dropzone-icon">
            ⇪
          </span>
          Drag files here, or{" "}
          <button
            type="button"
            className="link-button"
            onClick={() => inputRef.current?.click()}
            disabled={disabled}
            aria-describedby={hint ? `${id}-hint` : undefined}
          >
            browse your computer
          </button>
        </p>
        <input
          ref={inputRef}
          id={id}
          className="dropzone-input"
          tabIndex={-1}
          type="file"
          multiple
          accept={accept}
          disabled={disabled}
          aria-invalid={error ? true : undefined}
          aria-describedby={hint ? `${id}-hint` : undefined}
          onChange={(e) => {
            add(e.target.files);
            e.target.value = "";
          }}
        />
        {hint ? (
          <div className="hint" id={`${id}-hint`}>
            {hint}
          </div>
        ) : null}
      </div>
      {files.length ? (
        <ul className="file-list" aria-label="Selected files">
          {files.map((f, i) => (
            <li key={fileKey(f)}>
              <span className="file-name">{f.name}</span>
              <span className="muted">{formatBytes(f.size)}</span>
              <button
                type="button"
                className="btn btn-small btn-ghost"
                aria-label={`Remove ${f.name}`}
                disabled={disabled}
                onClick={() => onChange(files.filter((_, j) => j !== i))}
              >
                Remove
              </button>
            </li>
          ))}
          <li className="file-total muted">
            {files.length} file{files.length === 1 ? "" : "s"}, {formatBytes(total)}
          </li>
        </ul>
      ) : null}
      <FieldError message={error} />
    </div>
  );
}
