import { useRef, useState, type FormEvent } from "react";
import { Controller } from "react-hook-form";
import { z } from "zod";
import type { Category, Persona, PersonaInput, SubmitIntent } from "../api";
import { centsToInput, CURRENCIES, formatMoney, parseMoneyInput } from "../lib/money";
import { PERSONA_FILE_ACCEPT, PERSONA_FILES_HINT, personaFilesProblem } from "../lib/files";
import { binder, formLevelError, messagesOf, useZodForm } from "../lib/forms";
import { useFeeQuote } from "../lib/useFeeQuote";
import { CheckboxField, FieldError, SelectField, TextArea, TextField } from "./Field";
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

/** The persona's checks; submitting for review also wants a description and (when creating) files. */
function personaSchema(intent: FormIntent, withFiles: boolean | undefined, currency: string) {
  const pending = intent === "pending";
  return z.object({
    name: z.string().trim().min(1, "Give your persona a name.").min(3, "Use at least 3 characters for the name.").max(80, "Keep the name under 80 characters."),
    short_description: z.string().trim().min(1, "Add a one-line summary.").max(160, "Keep the summary under 160 characters."),
    description: z
      .string()
      .trim()
      .refine((d) => !pending || !!d, "Describe what buyers get before submitting for review."),
    category: z.string().min(1, "Pick a category."),
    tags: z.string().superRefine((tags, ctx) => {
      const list = parseTags(tags);
      const bad = list.find((t) => !/^[a-z0-9][a-z0-9-]{0,29}$/.test(t));
      if (bad) ctx.addIssue({ code: "custom", message: `“${bad}” isn't a valid tag: use letters, digits and dashes, up to 30 characters.` });
      else if (list.length > 10) ctx.addIssue({ code: "custom", message: "Use at most 10 tags." });
    }),
    price: z.string().superRefine((price, ctx) => {
      const cents = parseMoneyInput(price, currency);
      if (cents === null) ctx.addIssue({ code: "custom", message: "Enter a price like 9.99, or 0 for free." });
      else if (cents > 0 && cents < 50) ctx.addIssue({ code: "custom", message: `A paid persona costs at least ${formatMoney(50, currency)}; use 0 to give it away.` });
    }),
    currency: z.string(),
    usage_terms: z.object({ personal: z.boolean(), commercial: z.boolean(), derivatives: z.boolean() }),
    files: z.array(z.instanceof(File)).superRefine((files, ctx) => {
      if (!withFiles) return;
      const problem = files.length ? personaFilesProblem(files) : pending ? "Add at least one file before submitting for review." : null;
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  });
}
type PersonaValues = z.infer<ReturnType<typeof personaSchema>>;

function valuesOf(initial: Persona | undefined): PersonaValues {
  return {
    name: initial?.name ?? "",
    short_description: initial?.short_description ?? "",
    description: initial?.description ?? "",
    category: initial?.category ?? "",
    tags: (initial?.tags ?? []).join(", "),
    currency: (initial?.currency ?? "USD").toUpperCase(),
    price: initial ? centsToInput(initial.price_cents, initial.currency) : "0",
    usage_terms: initial?.usage_terms ?? { personal: true, commercial: false, derivatives: false },
    files: [],
  };
}

const TERMS = [
  ["personal", "Personal use", "Buyers may use it for their own content."],
  ["commercial", "Commercial use", "Buyers may use it for paid or client work."],
  ["derivatives", "Derivatives allowed", "Buyers may adapt it and share their changes."],
] as const;

export function PersonaForm({ initial, categories, withFiles, intents, busy, progress, error, onSubmit }: PersonaFormProps) {
  // Which button was pressed decides what the schema asks for, so the resolver reads it from here.
  const intentRef = useRef<FormIntent>(intents[0]);
  const form = useZodForm<PersonaValues>((values) => personaSchema(intentRef.current, withFiles, values.currency), valuesOf(initial), { shouldFocusError: false });
  const [lastIntent, setLastIntent] = useState<FormIntent | null>(null);
  const [category, currency, price, shortDescription] = form.watch(["category", "currency", "price", "short_description"]);

  const own = messagesOf(form.formState.errors, error);

  const bind = binder(form, error);
  const message = (...names: string[]) => names.map(own).find(Boolean);

  const termsMessage = message("usage_terms", "usage_terms.personal", "usage_terms.commercial", "usage_terms.derivatives");
  const priceCents = parseMoneyInput(price, currency);
  const quote = useFeeQuote(priceCents, currency);
  const categoryKnown = categories.some((c) => c.slug === category);

  const submit = (intent: FormIntent) => {
    intentRef.current = intent;
    setLastIntent(intent);
    void form.handleSubmit(
      ({ usage_terms, files, ...v }) =>
        onSubmit(
          {
            name: v.name,
            short_description: v.short_description,
            description: v.description,
            category: v.category,
            tags: parseTags(v.tags),
            price_cents: parseMoneyInput(v.price, v.currency) ?? 0,
            currency: v.currency.toLowerCase(),
            usage_terms,
          },
          intent,
          files,
        ),
      // Move focus to the first invalid field.
      () => requestAnimationFrame(() => document.querySelector<HTMLElement>(".persona-form [aria-invalid='true']")?.focus()),
    )();
  };

  const onFormSubmit = (e: FormEvent) => {
    e.preventDefault();
    submit(intents.includes("pending") ? "pending" : intents[0]);
  };

  return (
    <form className="persona-form" onSubmit={onFormSubmit} noValidate>
      <FormError error={formLevelError(error, SHOWN_FIELDS)} />
      <div className="form-grid">
        <TextField label="Name" required {...bind("name")} maxLength={120} placeholder="e.g. Cheerful fitness coach" />
        <TextField
          label="Summary"
          required
          {...bind("short_description")}
          hint={`${shortDescription.length}/160 — one line, shown on cards in the marketplace.`}
          maxLength={200}
        />
      </div>
      <TextArea
        label="Description"
        rows={7}
        {...bind("description")}
        hint="What voice does it give? Who is it for? What files are included?"
      />
      <div className="form-grid">
        {categories.length ? (
          <SelectField label="Category" required {...bind("category")}>
            <option value="">Choose a category…</option>
            {categories.map((c) => (
              <option key={c.slug} value={c.slug}>
                {c.name}
              </option>
            ))}
            {category && !categoryKnown ? <option value={category}>{category}</option> : null}
          </SelectField>
        ) : (
          <TextField label="Category" required {...bind("category")} />
        )}
        <TextField label="Tags" {...bind("tags")} hint="Separate tags with commas, e.g. fitness, upbeat, coach" />
      </div>
      <div className="form-grid price-grid">
        <TextField
          label="Price"
          inputMode="decimal"
          {...form.register("price")}
          error={message("price", "price_cents")}
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
        <SelectField label="Currency" {...bind("currency")}>
          {[...new Set([...CURRENCIES, currency])].map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </SelectField>
      </div>
      <fieldset className={`terms-fieldset${termsMessage ? " has-error" : ""}`}>
        <legend>Usage terms</legend>
        {TERMS.map(([key, label, hint]) => (
          <CheckboxField key={key} label={label} hint={hint} {...form.register(`usage_terms.${key}`)} />
        ))}
        <FieldError message={termsMessage} />
      </fieldset>
      {withFiles ? (
        <Controller
          control={form.control}
          name="files"
          render={({ field }) => (
            <FileDropZone
              label="Persona files"
              files={field.value}
              onChange={field.onChange}
              error={message("files")}
              disabled={busy}
              accept={PERSONA_FILE_ACCEPT}
              hint={`Your prompt, style guide and examples; files named sample… or example… are shown as a preview. ${PERSONA_FILES_HINT} These become version 1.0.0.`}
            />
          )}
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
