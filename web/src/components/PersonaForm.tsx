import { useState, type FormEvent } from "react";
import type { Category, Persona, PersonaInput, SubmitIntent } from "../api";
import { centsToInput, CURRENCIES, formatMoney, parseMoneyInput } from "../lib/money";
import { PERSONA_FILE_ACCEPT, PERSONA_FILES_HINT, personaFilesProblem } from "../lib/files";
import { fieldErrorsOf, formLevelError } from "../lib/forms";
import { useFeeQuote } from "../lib/useFeeQuote";
import { CheckboxField, SelectField, TextArea, TextField } from "./Field";
import { FileDropZone } from "./FileDropZone";
import { ProgressBar } from "./ProgressBar";
import { FormError } from "./States";

/** What the buttons do: save as draft, submit for review, or save without changing status. */
export type FormIntent = SubmitIntent | "save";

export interface PersonaFormProps {
  initial?: Persona;
  categories: Category[];
  /** Show the file drop zone (creating); editing adds files through new versions. */
  withFiles?: boolean;
  intents: FormIntent[];
  busy?: boolean;
  /** 0..1 while uploading, null when not known */
  progress?: number | null;
  error?: unknown;
  onSubmit: (input: PersonaInput, intent: FormIntent, files: File[]) => void;
}

const INTENT_LABEL: Record<FormIntent, string> = {
  draft: "Save draft",
  pending: "Submit for review",
  save: "Save changes",
};

const SHOWN_FIELDS = ["name", "short_description", "description", "category", "tags", "price_cents", "price", "currency", "usage_terms", "files"];

export function parseTags(s: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of s.split(/[,\n]/)) {
    const t = raw.trim().replace(/^#/, "").toLowerCase().replace(/\s+/g, "-");
    if (t && !seen.has(t)) {
      seen.add(t);
      out.push(t);
    }
  }
  return out;
}

export function PersonaForm({ initial, categories, withFiles, intents, busy, progress, error, onSubmit }: PersonaFormProps) {
  const [name, setName] = useState(initial?.name ?? "");
  const [shortDescription, setShortDescription] = useState(initial?.short_description ?? "");
  const [description, setDescription] = useState(initial?.description ?? "");
  const [category, setCategory] = useState(initial?.category ?? "");
  const [tags, setTags] = useState((initial?.tags ?? []).join(", "));
  const [currency, setCurrency] = useState((initial?.currency ?? "USD").toUpperCase());
  const [price, setPrice] = useState(initial ? centsToInput(initial.price_cents, initial.currency) : "0");
  const [terms, setTerms] = useState(initial?.usage_terms ?? { personal: true, commercial: false, derivatives: false });
  const [files, setFiles] = useState<File[]>([]);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const [lastIntent, setLastIntent] = useState<FormIntent | null>(null);

  const api = fieldErrorsOf(error);
  const fe: Record<string, string | undefined> = {
    ...localErrors,
    ...api,
    price: localErrors.price ?? api.price_cents ?? api.price,
    usage_terms: api.usage_terms ?? api["usage_terms.personal"] ?? api["usage_terms.commercial"] ?? api["usage_terms.derivatives"],
  };

  const priceCents = parseMoneyInput(price, currency);
  const quote = useFeeQuote(priceCents, currency);
  const categoryKnown = categories.some((c) => c.slug === category);

  const submit = (intent: FormIntent) => {
    const errs: Record<string, string> = {};
    if (!name.trim()) errs.name = "Give your persona a name.";
    else if (name.trim().length < 3) errs.name = "Use at least 3 characters for the name.";
    else if (name.trim().length > 80) errs.name = "Keep the name under 80 characters.";
    if (!shortDescription.trim()) errs.short_description = "Add a one-line summary.";
    else if (shortDescription.trim().length > 160) errs.short_description = "Keep the summary under 160 characters.";
    if (!category) errs.category = "Pick a category.";
    const tagList = parseTags(tags);
    const badTag = tagList.find((t) => !/^[a-z0-9][a-z0-9-]{0,29}$/.test(t));
    if (badTag) errs.tags = `“${badTag}” isn't a valid tag: use letters, digits and dashes, up to 30 characters.`;
    else if (tagList.length > 10) errs.tags = "Use at most 10 tags.";
    if (priceCents === null) errs.price = "Enter a price like 9.99, or 0 for free.";
    else if (priceCents > 0 && priceCents < 50) errs.price = `A paid persona costs at least ${formatMoney(50, currency)}; use 0 to give it away.`;
    if (intent === "pending" && withFiles && files.length === 0) errs.files = "Add at least one file before submitting for review.";
    else if (withFiles && files.length && personaFilesProblem(files)) errs.files = personaFilesProblem(files)!;
    if (intent === "pending" && !description.trim()) errs.description = "Describe what buyers get before submitting for review.";
    setLocalErrors(errs);
    setLastIntent(intent);
    if (Object.keys(errs).length) {
      // Move focus to the first invalid field.
      requestAnimationFrame(() => document.querySelector<HTMLElement>(".persona-form [aria-invalid='true']")?.focus());
      return;
    }
    onSubmit(
      {
        name: name.trim(),
        short_description: shortDescription.trim(),
        description: description.trim(),
        category,
        tags: parseTags(tags),
        price_cents: priceCents ?? 0,
        currency: currency.toLowerCase(),
        usage_terms: terms,
      },
      intent,
      files,
    );
  };

  const onFormSubmit = (e: FormEvent) => {
    e.preventDefault();
    submit(intents.includes("pending") ? "pending" : intents[0]);
  };

  return (
    <form className="persona-form" onSubmit={onFormSubmit} noValidate>
      <FormError error={formLevelError(error, SHOWN_FIELDS)} />
      <div className="form-grid">
        <TextField label="Name" required value={name} onChange={(e) => setName(e.target.value)} error={fe.name} maxLength={120} placeholder="e.g. Cheerful fitness coach" />
        <TextField
          label="Summary"
          required
          value={shortDescription}
          onChange={(e) => setShortDescription(e.target.value)}
          error={fe.short_description}
          hint={`${shortDescription.length}/160 — one line, shown on cards in the marketplace.`}
          maxLength={200}
        />
      </div>
      <TextArea
        label="Description"
        rows={7}
        value={description}
        onChange={(e) => setDescription(e.target.value)}
        error={fe.description}
        hint="What voice does it give? Who is it for? What files are included?"
      />
      <div className="form-grid">
        {categories.length ? (
          <SelectField label="Category" required value={category} onChange={(e) => setCategory(e.target.value)} error={fe.category}>
            <option value="">Choose a category…</option>
            {categories.map((c) => (
              <option key={c.slug} value={c.slug}>
                {c.name}
              </option>
            ))}
            {category && !categoryKnown ? <option value={category}>{category}</option> : null}
          </SelectField>
        ) : (
          <TextField label="Category" required value={category} onChange={(e) => setCategory(e.target.value)} error={fe.category} />
        )}
        <TextField label="Tags" value={tags} onChange={(e) => setTags(e.target.value)} error={fe.tags} hint="Separate tags with commas, e.g. fitness, upbeat, coach" />
      </div>
      <div className="form-grid price-grid">
        <TextField
          label="Price"
          inputMode="decimal"
          value={price}
          onChange={(e) => setPrice(e.target.value)}
          error={fe.price}
          hint={
            priceCents === null
              ? "Enter 0 to give it away for free."
              : priceCents === 0
                ? "Free — anyone can add it to their library."
                : (
                  <>
                    Buyers pay {formatMoney(priceCents, currency)}.{" "}
                    <span className="you-earn" aria-live="polite">
                      {quote
                        ? `You earn ${formatMoney(quote.creator_revenue, currency)} per sale (after the ${quote.fee_rate_bps / 100}% platform fee).`
                        : ""}
                    </span>
                  </>
                )
          }
        />
        <SelectField label="Currency" value={currency} onChange={(e) => setCurrency(e.target.value)} error={fe.currency}>
          {[...new Set([...CURRENCIES, currency])].map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </SelectField>
      </div>
      <fieldset className={`terms-fieldset${fe.usage_terms ? " has-error" : ""}`}>
        <legend>Usage terms</legend>
        <CheckboxField label="Personal use" hint="Buyers may use it for their own content." checked={terms.personal} onChange={(e) => setTerms({ ...terms, personal: e.target.checked })} />
        <CheckboxField label="Commercial use" hint="Buyers may use it for paid or client work." checked={terms.commercial} onChange={(e) => setTerms({ ...terms, commercial: e.target.checked })} />
        <CheckboxField label="Derivatives allowed" hint="Buyers may adapt it and share their changes." checked={terms.derivatives} onChange={(e) => setTerms({ ...terms, derivatives: e.target.checked })} />
        {fe.usage_terms ? <div className="field-error">{fe.usage_terms}</div> : null}
      </fieldset>
      {withFiles ? (
        <FileDropZone
          label="Persona files"
          files={files}
          onChange={setFiles}
          error={fe.files}
          disabled={busy}
          accept={PERSONA_FILE_ACCEPT}
          hint={`Your prompt, style guide and examples; files named sample… or example… are shown as a preview. ${PERSONA_FILES_HINT} These become version 1.0.0.`}
        />
      ) : null}
      {busy && withFiles ? <ProgressBar value={progress ?? null} label="Uploading" /> : null}
      <div className="form-actions">
        {intents.map((intent, i) => (
          <button
            key={intent}
            type="button"
            className={`btn ${i === intents.length - 1 ? "btn-primary" : ""}`}
            disabled={busy}
            onClick={() => submit(intent)}
          >
            {busy && lastIntent === intent ? "Saving…" : INTENT_LABEL[intent]}
          </button>
        ))}
      </div>
    </form>
  );
}
