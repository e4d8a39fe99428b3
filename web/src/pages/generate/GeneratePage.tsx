// /generate: pick a persona you own, a template and its parameters, and watch the text
// arrive (on the platform's model, or on your own model at home). History beside it: open one,
// change a parameter and rerun, star, delete, compare two; export everything. Batch and
// schedule tabs hand longer work to the workers.

import { useEffect, useRef, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Controller, useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { useSearchParams } from "react-router";
import { errorMessage } from "../../api/client";
import { CheckboxField, SelectField, TextField } from "../../components/Field";
import { ErrorState, LoadingState } from "../../components/States";
import { saveBlob, slugify } from "../../lib/download";
import { BatchTab } from "./BatchTab";
import {
  exportHistory,
  listProviders,
  renderPrompt,
  streamGeneration,
  streamLocal,
  type Generation,
  type Template,
} from "./generationApi";
import { DiffView, HISTORY_KEY, HistoryPanel } from "./HistoryPanel";
import { defaults, ParamFields, paramsSchema, type Params } from "./params";
import { SchedulesTab } from "./SchedulesTab";
import { TabbedPage } from "../../components/UrlTabs";
import { jobOf, useOwnedPersonas, useTemplates } from "./shared";

const TABS = [
  { key: "write", label: "Write", panel: <WriteTab /> },
  { key: "batch", label: "Batch", panel: <BatchTab /> },
  { key: "schedules", label: "Schedules", panel: <SchedulesTab /> },
];

export default function GeneratePage() {
  return <TabbedPage title="Generate" className="stack generate-page" tabs={TABS} name="generate" label="Ways to generate" />;
}

const LOCAL_URL_KEY = "generate.localUrl";
const LOCAL_MODEL_KEY = "generate.localModel";

interface WriteValues {
  persona_id: string;
  template_id: string;
  params: Params;
  local: boolean;
  local_url: string;
  local_model: string;
}

function writeSchema(template: Template | undefined, local: boolean) {
  return z.object({
    persona_id: z.string().min(1, "Choose a persona"),
    template_id: z.string().min(1, "Choose what to write"),
    params: paramsSchema(template),
    local: z.boolean(),
    local_url: local ? z.string().regex(/^https?:\/\/\S+$/, "An address like http://127.0.0.1:1337/v1") : z.string(),
    local_model: local ? z.string().trim().min(1, "The model's name, as your app lists it") : z.string(),
  });
}

function WriteTab() {
  const qc = useQueryClient();
  const [search] = useSearchParams();
  const templates = useTemplates();
  const providers = useQuery({ queryKey: ["generation", "providers"], queryFn: listProviders });
  const owned = useOwnedPersonas();
  const templateOf = (id: string) => templates.data?.items.find((t) => t.id === id);
  const form = useForm<WriteValues>({
    resolver: (values, ctx, opts) => zodResolver(writeSchema(templateOf(values.template_id), values.local))(values, ctx, opts as never) as never,
    defaultValues: {
      persona_id: "",
      template_id: "",
      params: {},
      local: false,
      local_url: localStorage.getItem(LOCAL_URL_KEY) ?? "http://127.0.0.1:1337/v1",
      local_model: localStorage.getItem(LOCAL_MODEL_KEY) ?? "",
    },
  });

  const [output, setOutput] = useState("");
  const [status, setStatus] = useState("");
  const [error, setError] = useState("");
  const [running, setRunning] = useState(false);
  const [selected, setSelected] = useState<Generation | null>(null);
  const [compare, setCompare] = useState<string[]>([]);
  const stop = useRef<AbortController | null>(null);

  const template = templateOf(form.watch("template_id"));
  const local = form.watch("local");
  useEffect(() => {
    if (form.getValues("persona_id") || !owned.data?.length) return;
    const wanted = search.get("persona");
    form.setValue("persona_id", owned.data.find((p) => p.id === wanted)?.id ?? owned.data[0].id);
  }, [form, owned.data, search]);

  function begin(): AbortController {
    stop.current?.abort();
    const ctl = new AbortController();
    stop.current = ctl;
    setOutput(""); setError(""); setStatus("Writing…"); setRunning(true);
    return ctl;
  }

  async function run(path: string, body: unknown) {
    const ctl = begin();
    try {
      await streamGeneration(path, body, ctl.signal, (e) => {
        if (e.event === "token") setOutput((o) => o + e.data.text);
        else if (e.event === "error") setError(e.data.message);
        else if (e.event === "done") setStatus(e.data.status === "completed" ? "Done" : `Ended: ${e.data.status}`);
      });
    } catch (e) {
      if (ctl.signal.aborted) setStatus("Stopped: the text so far is kept in your history.");
      else { setError(errorMessage(e)); setStatus(""); }
    } finally {
      setRunning(false);
      void qc.invalidateQueries({ queryKey: HISTORY_KEY });
    }
  }

  /** The rendered prompt goes from this page straight to the user's own model server. */
  async function runLocal(v: WriteValues) {
    const ctl = begin();
    localStorage.setItem(LOCAL_URL_KEY, v.local_url);
    localStorage.setItem(LOCAL_MODEL_KEY, v.local_model);
    try {
      const rendered = await renderPrompt(jobOf(v));
      await streamLocal(v.local_url, v.local_model.trim(), rendered.messages, ctl.signal, (t) => setOutput((o) => o + t));
      setStatus("Done on your computer (not saved in your history: copy what you want to keep).");
    } catch (e) {
      if (ctl.signal.aborted) setStatus("Stopped.");
      else { setError(errorMessage(e)); setStatus(""); }
    } finally {
      setRunning(false);
    }
  }

  function generate(v: WriteValues) {
    if (v.local) void runLocal(v);
    else void run("/api/generations", jobOf(v));
  }

  function rerun(v: WriteValues) {
    if (selected) void run(`/api/generations/${selected.id}/rerun`, { params: v.params });
  }

  function open(g: Generation) {
    setSelected(g);
    form.reset({ ...form.getValues(), persona_id: g.persona_id, template_id: g.template_id, params: g.params });
    setOutput(g.output);
    setStatus(g.status === "completed" ? "" : g.status);
    setError(g.error ?? "");
  }

  async function download(format: "json" | "csv" | "md") {
    const file = await exportHistory(format);
    const link = document.createElement("a");
    link.href = URL.createObjectURL(file.blob);
    link.download = file.filename ?? `generations.${format}`;
    link.click();
    URL.revokeObjectURL(link.href);
  }

  if (templates.isPending || owned.isPending) return <LoadingState />;
  if (templates.error || owned.error) return <ErrorState error={templates.error ?? owned.error} />;
  const demo = providers.data?.items[0];
  const { errors } = form.formState;
  const paramErrors: Record<string, string | undefined> = {};
  for (const [name, e] of Object.entries((errors.params ?? {}) as Record<string, { message?: string } | undefined>)) {
    if (e?.message) paramErrors[name] = e.message;
  }

  return (
    <>
      {owned.data.length === 0 ? (
        <p>Get a persona from the marketplace (free ones too) or create your own to start generating.</p>
      ) : null}
      <div className="generate-columns">
        <form className="card stack" noValidate onSubmit={form.handleSubmit(generate)}>
          <Controller control={form.control} name="persona_id" render={({ field }) => (
            <SelectField label="Persona" required error={errors.persona_id?.message} {...field}>
              {owned.data.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
            </SelectField>
          )} />
          <Controller control={form.control} name="template_id" render={({ field }) => (
            <SelectField label="Template" required error={errors.template_id?.message} hint={template?.description} {...field}
              onChange={(e) => { field.onChange(e.target.value); form.setValue("params", defaults(templateOf(e.target.value))); setSelected(null); }}>
              <option value="">Choose what to write…</option>
              {templates.data.items.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
            </SelectField>
          )} />
          <Controller control={form.control} name="params" render={({ field }) => (
            <ParamFields template={template} value={field.value} onChange={field.onChange} errors={paramErrors} />
          )} />
          <CheckboxField label="Use the model on my own computer" {...form.register("local")}
            hint="Your browser sends the prompt to Jan, Ollama or LM Studio running on this computer. Its local server must allow this site (CORS)." />
          {local ? (
            <div className="stack">
              <TextField label="Your model's address" required error={errors.local_url?.message} {...form.register("local_url")}
                hint="Jan: http://127.0.0.1:1337/v1 · Ollama: http://localhost:11434/v1 · LM Studio: http://localhost:1234/v1" />
              <TextField label="Model name" required error={errors.local_model?.message} {...form.register("local_model")}
                hint="As your app lists it, e.g. llama3.2" />
            </div>
          ) : demo ? <p className="hint">Model: {demo.label}</p> : null}
          <div className="row">
            <button type="submit" className="btn btn-primary" disabled={running}>Generate</button>
            {selected && !local ? (
              <button type="button" className="btn" disabled={running} onClick={form.handleSubmit(rerun)}>Rerun with these parameters</button>
            ) : null}
            {selected?.rerun_of ? (
              <button type="button" className="btn" onClick={() => setCompare([selected.rerun_of!, selected.id])}>Compare with the original</button>
            ) : null}
            {running ? <button type="button" className="btn btn-danger" onClick={() => stop.current?.abort()}>Stop</button> : null}
            <button type="button" className="btn" disabled={!output} onClick={() => void navigator.clipboard?.writeText(output)}>Copy</button>
            <button type="button" className="btn" disabled={!output || running} onClick={() => saveBlob({ blob: new Blob([output], { type: "text/plain;charset=utf-8" }), filename: null, contentType: "text/plain" }, `${slugify(template?.name ?? "generation")}.txt`)}>
              Save
            </button>
          </div>
          {error ? <div className="form-error" role="alert">{error}</div> : null}
          <p aria-live="polite" className="hint">{status}</p>
          <pre className="generate-output" aria-label="Generated text">{output}</pre>
        </form>
        <section className="card stack" aria-labelledby="history-heading">
          <h2 id="history-heading">History</h2>
          <div className="row">
            {(["json", "csv", "md"] as const).map((f) => (
              <button key={f} type="button" className="btn" onClick={() => void download(f).catch((e) => setError(errorMessage(e)))}>
                Export {f.toUpperCase()}
              </button>
            ))}
          </div>
          {compare.length === 1 ? <p className="hint">Tick one more to compare.</p> : null}
          <HistoryPanel onOpen={open} compare={compare} onCompare={setCompare}
            onDeleted={(id) => { if (selected?.id === id) { setSelected(null); setOutput(""); setStatus(""); } }} />
        </section>
      </div>
      {compare.length === 2 ? <DiffView ids={compare} onClose={() => setCompare([])} /> : null}
    </>
  );
}
