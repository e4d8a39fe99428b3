// /generate: pick a persona you own, a template and its parameters, and watch the text
// arrive. History beside it: open one, change a parameter and rerun; export everything.

import { useEffect, useMemo, useRef, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { errorMessage } from "../../api/client";
import { listMyPersonas, listMyPurchases } from "../../api/endpoints";
import { CheckboxField, SelectField, TextField } from "../../components/Field";
import { ErrorState, LoadingState } from "../../components/States";
import {
  exportHistory,
  listHistory,
  listProviders,
  listTemplates,
  streamGeneration,
  type Generation,
  type ParamSpec,
  type Template,
} from "./generationApi";

type Params = Record<string, unknown>;

function defaults(t: Template | undefined): Params {
  const out: Params = {};
  for (const [name, spec] of Object.entries(t?.params_schema.properties ?? {})) {
    if (spec.default !== undefined) out[name] = spec.default;
  }
  return out;
}

function ParamField({ name, spec, value, required, onChange }: {
  name: string; spec: ParamSpec; value: unknown; required: boolean; onChange: (v: unknown) => void;
}) {
  const label = spec.title ?? name;
  if (spec.type === "boolean") {
    return <CheckboxField label={label} checked={value === true} onChange={(e) => onChange(e.target.checked)} />;
  }
  if (spec.enum) {
    return (
      <SelectField label={label} required={required} value={String(value ?? "")} onChange={(e) => onChange(e.target.value)}>
        {spec.enum.map((o) => <option key={o} value={o}>{o}</option>)}
      </SelectField>
    );
  }
  if (spec.type === "string") {
    return (
      <TextField label={label} required={required} maxLength={spec.maxLength} hint={spec.description}
        value={String(value ?? "")} onChange={(e) => onChange(e.target.value)} />
    );
  }
  return (
    <TextField label={label} type="number" required={required} min={spec.minimum} max={spec.maximum}
      step={spec.type === "integer" ? 1 : "any"} value={value === undefined ? "" : String(value)}
      onChange={(e) => onChange(e.target.value === "" ? undefined : Number(e.target.value))} />
  );
}

export default function GeneratePage() {
  const qc = useQueryClient();
  const templates = useQuery({ queryKey: ["generation", "templates"], queryFn: listTemplates });
  const providers = useQuery({ queryKey: ["generation", "providers"], queryFn: listProviders });
  const owned = useQuery({
    queryKey: ["generation", "personas"],
    queryFn: async () => {
      const [bought, mine] = await Promise.all([listMyPurchases({ limit: 100 }), listMyPersonas({ limit: 100 })]);
      const all = [...bought.items.map((p) => p.persona), ...mine.items];
      return all.filter((p, i) => all.findIndex((q) => q.id === p.id) === i);
    },
  });
  const history = useQuery({ queryKey: ["generation", "history"], queryFn: listHistory });

  const [personaId, setPersonaId] = useState("");
  const [templateId, setTemplateId] = useState("");
  const [params, setParams] = useState<Params>({});
  const [output, setOutput] = useState("");
  const [status, setStatus] = useState("");
  const [error, setError] = useState("");
  const [running, setRunning] = useState(false);
  const [selected, setSelected] = useState<Generation | null>(null);
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

  async function run(path: string, body: unknown) {
    stop.current?.abort();
    const ctl = new AbortController();
    stop.current = ctl;
    setOutput(""); setError(""); setStatus("Writing…"); setRunning(true);
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
      void qc.invalidateQueries({ queryKey: ["generation", "history"] });
    }
  }

  function generate() {
    void run("/api/generations", { persona_id: personaId, template_id: templateId, params });
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
  const props = template?.params_schema.properties ?? {};
  const required = new Set(template?.params_schema.required ?? []);
  const demo = providers.data?.items[0];

  return (
    <div className="stack generate-page">
      <h1>Generate</h1>
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
          {Object.entries(props).map(([name, spec]) => (
            <ParamField key={name} name={name} spec={spec} value={params[name]} required={required.has(name)}
              onChange={(v) => setParams((p) => ({ ...p, [name]: v }))} />
          ))}
          {demo ? <p className="hint">Model: {demo.label}</p> : null}
          <div className="row">
            <button type="submit" className="btn btn-primary" disabled={running || !personaId || !templateId}>Generate</button>
            {selected ? (
              <button type="button" className="btn" disabled={running} onClick={rerun}>Rerun with these parameters</button>
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
          <ul className="generate-history">
            {(history.data?.items ?? []).map((g) => (
              <li key={g.id}>
                <button type="button" className="btn-link" onClick={() => open(g)}>
                  {g.template_name} · {g.persona_name}{g.rerun_of ? " · rerun" : ""} · {g.status}
                </button>
                <div className="hint">{g.output.slice(0, 120)}</div>
              </li>
            ))}
          </ul>
        </section>
      </div>
    </div>
  );
}
