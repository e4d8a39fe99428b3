import { useId } from "react";
import { formatRating } from "../lib/format";
import { FieldError } from "./Field";

export function Stars({ value, count, size = "md" }: { value: number | null | undefined; count?: number; size?: "sm" | "md" }) {
  const v = value ?? 0;
  const pct = Math.max(0, Math.min(100, (v / 5) * 100));
  const label = value ? `Rated ${formatRating(value)} out of 5` : "No ratings yet";
  return (
    <span className={`stars stars-${size}`} title={label}>
      <span className="stars-track" role="img" aria-label={label}>
        <span className="stars-fill" style={{ width: `${pct}%` }} />
      </span>
      {count !== undefined ? <span className="stars-count">{value ? `${formatRating(value)} (${count})` : "New"}</span> : null}
    </span>
  );
}

/** Accessible 1..5 rating input: a radio group. */
export function StarInput({ value, onChange, error, label = "Rating" }: { value: number; onChange: (v: number) => void; error?: string; label?: string }) {
  const name = useId();
  return (
    <fieldset className={`star-input${error ? " has-error" : ""}`}>
      <legend>{label}</legend>
      <div className="star-input-row">
        {[1, 2, 3, 4, 5].map((n) => (
          <label key={n} className={n <= value ? "on" : undefined}>
            <input type="radio" name={name} value={n} checked={value === n} onChange={() => onChange(n)} aria-label={`${n} star${n === 1 ? "" : "s"}`} />
            <span aria-hidden="true">★</span>
          </label>
        ))}
      </div>
      <FieldError message={error} />
    </fieldset>
  );
}
