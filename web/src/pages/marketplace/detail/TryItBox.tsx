// "Try it": a signed-in visitor who does not own the persona writes a few texts a day with it
// (when its creator allows try-outs), seeing only the output, never the persona's prompt. The
// creator sees the switch that turns try-outs on or off.

import { useRef, useState } from "react";
import { Link } from "react-router";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Controller, useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { errorMessage, isApiError, type Persona } from "../../../api";
import { useAuth } from "../../../auth/AuthContext";
import { CheckboxField, SelectField } from "../../../components/Field";
import { FormError } from "../../../components/States";
import { getTryouts, setTryouts, streamGeneration, type Template } from "../../generate/generationApi";
import { defaults, ParamFields, paramsSchema, type Params } from "../../generate/params";
import { paramApiErrors, useTemplates } from "../../generate/shared";

interface TryValues {
  template_id: string;
  params: Params;
}

function schemaFor(template: Template | undefined) {
  return z.object({ template_id: z.string().min(1, "Choose what to write"), params: paramsSchema(template) });
}

export function TryItBox({ persona }: { persona: Persona }) {
  const { user, status } = useAuth();
  const isOwner = !!user && user.id === persona.creator?.id;
  const info = useQuery({
    queryKey: ["generation", "tryouts", persona.id],
    queryFn: () => getTryouts(persona.id),
    enabled: status === "authenticated",
    retry: false,
  });
  if (status !== "authenticated" || !info.data) return null;
  if (isOwner) return <TryoutSwitch personaId={persona.id} on={info.data.tryouts} perDay={info.data.per_day} />;
  if (info.data.full_access) {
    return (
      <p>
        <Link className="btn" to={`/generate?persona=${encodeURIComponent(persona.id)}`}>Generate with {persona.name}</Link>
      </p>
    );
  }
  if (!info.data.tryouts) return null;
  return <TryIt persona={persona} remaining={info.data.remaining_today} perDay={info.data.per_day} />;
}

function TryoutSwitch({ personaId, on, perDay }: { personaId: string; on: boolean; perDay: number }) {
  const qc = useQueryClient();
  const change = useMutation({
    mutationFn: (allowed: boolean) => setTryouts(personaId, allowed),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["generation", "tryouts", personaId] }),
  });
  return (
    <section className="section" aria-labelledby="tryouts-heading">
      <h2 id="tryouts-heading">Try-outs</h2>
      <CheckboxField label="Let signed-in visitors try this persona" checked={on} disabled={change.isPending}
        hint={`Each visitor gets ${perDay} texts a day with it. They see only the text, never your persona's files or prompt.`}
        onChange={(e) => change.mutate(e.target.checked)} />
      <FormError error={change.error} />
    </section>
  );
}

function TryIt({ persona, remaining, perDay }: { persona: Persona; remaining: number; perDay: number }) {
  const qc = useQueryClient();
  const templates = useTemplates();
  const builtins = (templates.data?.items ?? []).filter((t) => t.builtin);
  const [output, setOutput] = useState("");
  const [note, setNote] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [running, setRunning] = useState(false);
  const stop = useRef<AbortController | null>(null);
  const form = useForm<TryValues>({
    resolver: (values, ctx, opts) =>
      zodResolver(schemaFor(builtins.find((t) => t.id === values.template_id)))(values, ctx, opts as never) as never,
    defaultValues: { template_id: "", params: {} },
  });
  const template = builtins.find((t) => t.id === form.watch("template_id"));
  const { errors } = form.formState;
  const paramErrors: Record<string, string | undefined> = isApiError(error) ? paramApiErrors(error.errors) : {};
  for (const [name, e] of Object.entries((errors.params ?? {}) as Record<string, { message?: string } | undefined>)) {
    if (e?.message) paramErrors[name] = e.message;
  }

  async function run(v: TryValues) {
    stop.current?.abort();
    const ctl = new AbortController();
    stop.current = ctl;
    setOutput(""); setError(null); setNote("Writing…"); setRunning(true);
    try {
      await streamGeneration("/api/generations", { persona_id: persona.id, template_id: v.template_id, params: v.params }, ctl.signal, (e) => {
        if (e.event === "token") setOutput((o) => o + e.data.text);
        else if (e.event === "error") setError(new Error(e.data.message));
        else if (e.event === "done") setNote(e.data.status === "completed" ? "Done" : `Ended: ${e.data.status}`);
      });
    } catch (e) {
      setNote(ctl.signal.aborted ? "Stopped." : "");
      if (!ctl.signal.aborted) setError(e);
    } finally {
      setRunning(false);
      void qc.invalidateQueries({ queryKey: ["generation", "tryouts", persona.id] });
    }
  }

  return (
    <section className="section card stack tryit-box" aria-labelledby="tryit-heading">
      <h2 id="tryit-heading">Try it</h2>
      <p className="hint">
        Write with {persona.name} before you get it: {remaining} of {perDay} tries left today.
      </p>
      {remaining > 0 || running ? (
        <form className="stack" noValidate onSubmit={form.handleSubmit((v) => void run(v))}>
          <Controller control={form.control} name="template_id" render={({ field }) => (
            <SelectField label="What to write" required error={errors.template_id?.message} hint={template?.description}
              {...field} onChange={(e) => { field.onChange(e.target.value); form.setValue("params", defaults(builtins.find((t) => t.id === e.target.value))); }}>
              <option value="">Choose…</option>
              {builtins.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
            </SelectField>
          )} />
          <Controller control={form.control} name="params" render={({ field }) => (
            <ParamFields template={template} value={field.value} onChange={field.onChange} errors={paramErrors} />
          )} />
          <div className="row">
            <button type="submit" className="btn btn-primary" disabled={running}>Try it</button>
            {running ? <button type="button" className="btn btn-danger" onClick={() => stop.current?.abort()}>Stop</button> : null}
          </div>
        </form>
      ) : (
        <p>You have used today's tries. Get {persona.name} to keep writing with it, or come back tomorrow.</p>
      )}
      {error && !(isApiError(error) && Object.keys(paramApiErrors(error.errors)).length) ? (
        <div className="alert alert-error" role="alert">{errorMessage(error)}</div>
      ) : null}
      <p aria-live="polite" className="hint">{note}</p>
      {output ? <pre className="generate-output" aria-label="Try-out text">{output}</pre> : null}
    </section>
  );
}
