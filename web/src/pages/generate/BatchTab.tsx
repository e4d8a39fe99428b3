// Batch: N variants of one set of parameters, or one generation per row of a CSV file. The
// server checks every row before anything runs and names each bad line; workers then generate
// the items while the progress updates here. A running batch can be cancelled.

import { useEffect, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { isApiError } from "../../api/client";
import { SelectField, TextField } from "../../components/Field";
import { PagedList } from "../../components/PagedList";
import { ProgressBar } from "../../components/ProgressBar";
import { EmptyState, ErrorState, FormError, LoadingState } from "../../components/States";
import { formatDateTime } from "../../lib/format";
import { usePagedList } from "../../lib/usePagedList";
import { cancelBatch, getBatch, listBatches, startBatch, type Template } from "./generationApi";
import { defaults, paramsSchema } from "./params";
import { JobFields, jobOf, paramApiErrors, useOwnedPersonas, useTemplates, type JobValues } from "./shared";

const MAX_ITEMS = 100;

type BatchValues = JobValues & { mode: "variants" | "csv"; variants: number; csv: string; csv_name: string };

function schemaFor(template: Template | undefined, mode: string) {
  return z.object({
    persona_id: z.string().min(1, "Choose a persona"),
    template_id: z.string().min(1, "Choose a template"),
    mode: z.enum(["variants", "csv"]),
    variants: mode === "variants"
      ? z.number({ message: "Enter a number" }).int("A whole number").min(1, "At least 1").max(MAX_ITEMS, `At most ${MAX_ITEMS}`)
      : z.any(),
    csv: mode === "csv" ? z.string().min(1, "Choose a CSV file").max(200_000, "The file is too large") : z.any(),
    csv_name: z.string(),
    // With a CSV, missing values may come from its columns: the server checks each row.
    params: mode === "variants" ? paramsSchema(template) : z.record(z.string(), z.unknown()),
  });
}

/** "csv.line 3.words" → "Line 3, words: …" */
export function csvErrors(error: unknown): string[] {
  if (!isApiError(error)) return [];
  return error.errors
    .filter((e) => e.field.startsWith("csv"))
    .map((e) => {
      const m = /^csv\.line (\d+)(?:\.(.+))?$/.exec(e.field);
      if (!m) return e.message;
      const where = m[2] && m[2] !== "row" ? `, ${m[2]}` : "";
      return `Line ${m[1]}${where}: ${e.message}`;
    });
}

export function BatchTab() {
  const qc = useQueryClient();
  const templates = useTemplates();
  const owned = useOwnedPersonas();
  const [current, setCurrent] = useState<string | null>(null);
  const form = useForm<BatchValues>({
    resolver: (values, ctx, opts) =>
      zodResolver(schemaFor(templates.data?.items.find((t) => t.id === values.template_id), values.mode))(values, ctx, opts as never) as never,
    defaultValues: { persona_id: "", template_id: "", params: {}, mode: "variants", variants: 3, csv: "", csv_name: "" },
  });
  const mode = form.watch("mode");
  const templateId = form.watch("template_id");
  const template = templates.data?.items.find((t) => t.id === templateId);
  const start = useMutation({
    mutationFn: (v: BatchValues) =>
      startBatch({
        ...jobOf(v),
        ...(v.mode === "csv" ? { csv: v.csv } : { variants: v.variants }),
      }),
    onSuccess: (b) => {
      setCurrent(b.id);
      qc.setQueryData(["generation", "batch", b.id], b);
      void qc.invalidateQueries({ queryKey: ["generation", "batches"] });
    },
  });
  const lines = csvErrors(start.error);
  const apiParamErrors = isApiError(start.error) ? paramApiErrors(start.error.errors) : {};

  useEffect(() => {
    if (!form.getValues("persona_id") && owned.data?.length) form.setValue("persona_id", owned.data[0].id);
  }, [form, owned.data]);

  if (templates.isPending || owned.isPending) return <LoadingState />;
  if (templates.error || owned.error) return <ErrorState error={templates.error ?? owned.error} />;
  const columns = Object.keys(template?.params_schema.properties ?? {});
  const { errors } = form.formState;

  return (
    <div className="generate-columns">
      <form className="card stack" noValidate onSubmit={form.handleSubmit((v) => start.mutate(v))} aria-label="New batch">
        <h2>New batch</h2>
        <JobFields control={form.control as never} errors={errors} personas={owned.data} templates={templates.data.items}
          template={template} apiErrors={apiParamErrors}
          onTemplate={(id) => form.setValue("params", defaults(templates.data.items.find((t) => t.id === id)))} />
        <SelectField label="Make" {...form.register("mode")}>
          <option value="variants">Several versions of these parameters</option>
          <option value="csv">One text per row of a CSV file</option>
        </SelectField>
        {mode === "variants" ? (
          <TextField label="How many versions" type="number" min={1} max={MAX_ITEMS} required error={errors.variants?.message}
            {...form.register("variants", { valueAsNumber: true })} />
        ) : (
          <div className="stack">
            <div className="field">
              <label htmlFor="batch-csv">CSV file</label>
              <input id="batch-csv" type="file" accept=".csv,text/csv" aria-describedby="batch-csv-hint"
                onChange={(e) => {
                  const file = e.target.files?.[0];
                  if (!file) return;
                  void file.text().then((text) => {
                    form.setValue("csv", text, { shouldValidate: true });
                    form.setValue("csv_name", file.name);
                    start.reset();
                  });
                }} />
              <div className="hint" id="batch-csv-hint">
                {columns.length ? `First line: the column names (${columns.join(", ")}); then one row per text, at most ${MAX_ITEMS}. Empty cells take the values above.` : "Choose a template first."}
              </div>
            </div>
            {form.watch("csv_name") ? <p className="hint">Chosen: {form.watch("csv_name")} ({form.watch("csv").trim().split("\n").length - 1} rows)</p> : null}
            {errors.csv?.message ? <div className="field-error">{errors.csv.message}</div> : null}
          </div>
        )}
        {lines.length ? (
          <div className="alert alert-error" role="alert">
            <p>Some rows are not right; nothing was started. Fix these lines and choose the file again:</p>
            <ul aria-label="CSV problems">{lines.map((l) => <li key={l}>{l}</li>)}</ul>
          </div>
        ) : start.error && !Object.keys(apiParamErrors).length ? <FormError error={start.error} /> : null}
        <div className="row">
          <button type="submit" className="btn btn-primary" disabled={start.isPending}>{start.isPending ? "Checking…" : "Start batch"}</button>
        </div>
      </form>
      <section className="card stack" aria-labelledby="batches-heading">
        <h2 id="batches-heading">Batches</h2>
        {current ? <BatchProgressView id={current} /> : null}
        <BatchList onOpen={setCurrent} current={current} templates={templates.data.items} personas={owned.data} />
      </section>
    </div>
  );
}

function BatchProgressView({ id }: { id: string }) {
  const qc = useQueryClient();
  const batch = useQuery({
    queryKey: ["generation", "batch", id],
    queryFn: () => getBatch(id),
    refetchInterval: (q) => (q.state.data?.status === "running" ? 1000 : false),
  });
  const status = batch.data?.status;
  const cancel = useMutation({
    mutationFn: () => cancelBatch(id),
    onSuccess: (b) => qc.setQueryData(["generation", "batch", id], b),
  });
  useEffect(() => {
    // new texts arrive in the history as the batch goes; the list shows the end state
    void qc.invalidateQueries({ queryKey: ["generation", "history"] });
    if (status && status !== "running") void qc.invalidateQueries({ queryKey: ["generation", "batches"] });
  }, [qc, status, batch.data?.done]);
  if (batch.isPending) return <LoadingState />;
  if (!batch.data) return <ErrorState error={batch.error} />;
  const b = batch.data;
  const failed = b.counts.failed ?? 0;
  return (
    <div className="stack batch-progress">
      <ProgressBar value={b.total ? b.done / b.total : 0} label={`${b.done} of ${b.total} done`} />
      <p aria-live="polite" className="hint">
        {b.status === "running" ? "Writing… you can leave this page, the batch keeps going." : b.status === "done" ? `Batch finished${failed ? `, ${failed} failed` : ""}. The texts are in your history.` : "Batch cancelled. Finished texts are kept in your history."}
      </p>
      {b.status === "running" ? (
        <button type="button" className="btn btn-danger" disabled={cancel.isPending} onClick={() => cancel.mutate()}>Cancel batch</button>
      ) : null}
      <FormError error={cancel.error} />
      <ul className="generate-batch-items" aria-label="Batch items">
        {b.items.map((i) => (
          <li key={i.index}>#{i.index + 1}: {i.status}{i.error ? ` (${i.error})` : ""}</li>
        ))}
      </ul>
    </div>
  );
}

function BatchList({ onOpen, current, templates, personas }: {
  onOpen: (id: string) => void; current: string | null; templates: Template[]; personas: { id: string; name: string }[];
}) {
  const list = usePagedList(["generation", "batches"], listBatches, { limit: 10 });
  return (
    <PagedList list={list} empty={<EmptyState title="No batches yet">Start one to write many texts at once.</EmptyState>}>
      {(items) => (
        <ul className="generate-history" aria-label="Your batches">
          {items.map((b) => (
            <li key={b.id}>
              <button type="button" className="btn-link" aria-current={b.id === current ? "true" : undefined} onClick={() => onOpen(b.id)}>
                {formatDateTime(b.created_at)} · {templates.find((t) => t.id === b.template_id)?.name ?? "Template"} ·{" "}
                {personas.find((p) => p.id === b.persona_id)?.name ?? "Persona"} · {b.done}/{b.total} · {b.status}
              </button>
            </li>
          ))}
        </ul>
      )}
    </PagedList>
  );
}
