// /generate: pick a persona you own, a template and its parameters, and watch the text
// arrive (on the platform's model, or on your own model at home). History beside it: open one,
// change a parameter and rerun, star, delete, compare two; export everything. Batch and
// schedule tabs hand longer work to the workers.

import { useEffect, useMemo, useRef, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSearchParams } from "react-router";
import { errorMessage } from "../../api/client";
import { CheckboxField, SelectField, TextField } from "../../components/Field";
import { ErrorState, LoadingState } from "../../components/States";
import { useTitle } from "../../lib/useTitle";
import { BatchTab } from "./BatchTab";
import {
  exportHistory,
  listProviders,
  renderPrompt,
  streamGeneration,
  streamLocal,
  type Generation,
} from "./generationApi";
import { DiffView, HISTORY_KEY, HistoryPanel } from "./HistoryPanel";
import { defaults, ParamFields, type Params } from "./params";
import { SchedulesTab } from "./SchedulesTab";
import { useOwnedPersonas, useTemplates } from "./shared";

const TABS = [
  ["write", "Write"],
  ["batch", "Batch"],
  ["schedules", "Schedules"],
] as const;
type Tab = (typeof TABS)[number][0];

export default function GeneratePage() {
  useTitle("Generate");
  const [search, setSearch] = useSearchParams();
  const tab = (TABS.find(([t]) => t === search.get("tab"))?.[0] ?? "write") as Tab;
  return (
    <div className="stack generate-page">
      <h1>Generate</h1>
      <div className="tabs" role="tablist" aria-label="Ways to generate">
        {TABS.map(([t, label]) => (
          <button key={t} type="button" role="tab" id={`generate-tab-${t}`} aria-selected={tab === t}
            aria-controls={`generate-panel-${t}`} className={`tab${tab === t ? " active" : ""}`}
            onClick={() => setSearch({ tab: t }, { replace: true })}>
            {label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`generate-panel-${tab}`} aria-labelledby={`generate-tab-${tab}`} className="stack">
        {tab === "write" ? <WriteTab /> : tab === "batch" ? <BatchTab /> : <SchedulesTab />}
      </div>
    </div>
  );
}

const LOCAL_URL_KEY = "generate.localUrl";
const LOCAL_MODEL_KEY = "generate.localModel";

function WriteTab() {
  const qc = useQueryClient();
  const templates = useTemplates();
  const providers = useQuery({ queryKey: ["generation", "providers"], queryFn: listProviders });
  const owned = useOwnedPersonas();

  const [personaId, setPersonaId] = useState("");
  const [templateId, setTemplateId] = useState("");
  const [params, setParams] = useState<Params>({});
  const [output, setOutput] = useState("");
  const [status, setStatus] = useState("");
  const [error, setError] = useState("");
  const [running, setRunning] = useState(false);
  const [selected, setSelected] = useState<Generation | null>(null);
  const [compare, setCompare] = useState<string[]>([]);
  const [local, setLocal] = useState(false);
  const [localUrl, setLocalUrl] = useState(() => localStorage.getItem(LOCAL_URL_KEY) ?? "http://127.0.0.1:1337/v1");
  const [localModel, setLocalModel] = useState(() => localStorage.getItem(LOCAL_MODEL_KEY) ?? "");
  const stop = useRef<AbortController | null>(null);

  const template = useMemo(() => templates.data?.items.find((t) => t.id === templateId), [templates.data, templateId]);
  useEffect(() => {
    if (!personaId && owned.data?.length) setPersonaId(owned.data[0].id);
  }, [owned.data, personaId]);

  function chooseTemplate(id: string) {
    setTemplateId(id);
    setParams(defaults(templates.data?.items.find((t) => t.id === id)));
    setSelected(null);
  }

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
  async function runLocal() {
    const ctl = begin();
    localStorage.setItem(LOCAL_URL_KEY, localUrl);
    localStorage.setItem(LOCAL_MODEL_KEY, localModel);
    try {
      const rendered = await renderPrompt({ persona_id: personaId, template_id: templateId, params });
      await streamLocal(localUrl, localModel, rendered.messages, ctl.signal, (t) => setOutput((o) => o + t));
      setStatus("Done on your computer (not saved in your history: copy what you want to keep).");
    } catch (e) {
      if (ctl.signal.aborted) setStatus("Stopped.");
      else { setError(errorMessage(e)); setStatus(""); }
    } finally {
      setRunning(false);
    }
  }

  function generate() {
    if (local) void runLocal();
    else void run("/api/generations", { persona_id: personaId, template_id: templateId, params });
  }

  function rerun() {
    if (selected) void run(`/api/generations/${selected.id}/rerun`, { params });
  }

  function open(g: Generation) {
    setSelected(g);
    setPersonaId(g.persona_id);
    setTemplateId(g.template_id);
    setParams(g.params);
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

  return (
    <>
      {owned.data.length === 0 ? (
        <p>Get a persona from the marketplace (free ones too) or create your own to start generating.</p>
      ) : null}
      <div className="generate-columns">
        <form className="card stack" onSubmit={(e) => { e.preventDefault(); generate(); }}>
          <SelectField label="Persona" required value={personaId} onChange={(e) => setPersonaId(e.target.value)}>
            {owned.data.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
          </SelectField>
          <SelectField label="Template" required value={templateId} onChange={(e) => chooseTemplate(e.target.value)}
            hint={template?.description}>
            <option value="">Choose what to write…</option>
            {templates.data.items.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
          </SelectField>
          <ParamFields template={template} value={params} onChange={setParams} />
          <CheckboxField label="Use the model on my own computer" checked={local} onChange={(e) => setLocal(e.target.checked)}
            hint="Your browser sends the prompt to Jan, Ollama or LM Studio running on this computer. Its local server must allow this site (CORS)." />
          {local ? (
            <div className="stack">
              <TextField label="Your model's address" required value={localUrl} onChange={(e) => setLocalUrl(e.target.value)}
                hint="Jan: http://127.0.0.1:1337/v1 · Ollama: http://localhost:11434/v1 · LM Studio: http://localhost:1234/v1" />
              <TextField label="Model name" required value={localModel} onChange={(e) => setLocalModel(e.target.value)}
                hint="As your app lists it, e.g. llama3.2" />
            </div>
          ) : demo ? <p className="hint">Model: {demo.label}</p> : null}
          <div className="row">
            <button type="submit" className="btn btn-primary"
              disabled={running || !personaId || !templateId || (local && (!localUrl || !localModel))}>Generate</button>
            {selected && !local ? (
              <button type="button" className="btn" disabled={running} onClick={rerun}>Rerun with these parameters</button>
            ) : null}
            {selected?.rerun_of ? (
              <button type="button" className="btn" onClick={() => setCompare([selected.rerun_of!, selected.id])}>Compare with the original</button>
            ) : null}
            {running ? <button type="button" className="btn btn-danger" onClick={() => stop.current?.abort()}>Stop</button> : null}
            <button type="button" className="btn" disabled={!output} onClick={() => void navigator.clipboard?.writeText(output)}>Copy</button>
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
