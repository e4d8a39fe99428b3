// What the /generate tabs share: your personas (library and own), the templates, and the
// persona + template + parameters part of the batch and schedule forms (react-hook-form).

import { useQuery } from "@tanstack/react-query";
import { Controller, type Control, type FieldErrors } from "react-hook-form";
import { listMyPersonas, listMyPurchases } from "../../api/endpoints";
import { SelectField } from "../../components/Field";
import { listTemplates, type Template } from "./generationApi";
import { ParamFields, type Params } from "./params";

export function useTemplates() {
  return useQuery({ queryKey: ["generation", "templates"], queryFn: listTemplates });
}

/** The personas you may generate with: bought or acquired, and your own. Always fetched afresh
 * when a tab mounts (two small list reads): a persona just acquired or created elsewhere in the
 * app must be offered here at once. */
export function useOwnedPersonas() {
  return useQuery({
    queryKey: ["generation", "personas"],
    staleTime: 0,
    queryFn: async () => {
      const [bought, mine] = await Promise.all([listMyPurchases({ limit: 100 }), listMyPersonas({ limit: 100 })]);
      const all = [...bought.items.map((p) => p.persona), ...mine.items];
      return all.filter((p, i) => all.findIndex((q) => q.id === p.id) === i);
    },
  });
}

export interface JobValues {
  persona_id: string;
  template_id: string;
  params: Params;
}

/** The job a form describes (persona, template, parameters), without the form's other fields. */
export function jobOf({ persona_id, template_id, params }: JobValues): JobValues {
  return { persona_id, template_id, params };
}

/** Persona, template and the template's parameters, as fields of a react-hook-form form. */
export function JobFields({ control, errors, personas, templates, template, onTemplate, apiErrors }: {
  control: Control<JobValues>;
  errors: FieldErrors<JobValues>;
  personas: { id: string; name: string }[];
  templates: Template[];
  template: Template | undefined;
  onTemplate: (id: string) => void;
  /** The server's field errors, keyed by parameter name. */
  apiErrors: Record<string, string>;
}) {
  const paramErrors: Record<string, string | undefined> = { ...apiErrors };
  for (const [name, e] of Object.entries((errors.params ?? {}) as Record<string, { message?: string } | undefined>)) {
    if (e?.message) paramErrors[name] = e.message;
  }
  return (
    <>
      <Controller control={control} name="persona_id" render={({ field }) => (
        <SelectField label="Persona" required error={errors.persona_id?.message} {...field}>
          <option value="">Choose a persona…</option>
          {personas.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
        </SelectField>
      )} />
      <Controller control={control} name="template_id" render={({ field }) => (
        <SelectField label="Template" required error={errors.template_id?.message} hint={template?.description}
          {...field} onChange={(e) => { field.onChange(e.target.value); onTemplate(e.target.value); }}>
          <option value="">Choose what to write…</option>
          {templates.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
        </SelectField>
      )} />
      <Controller control={control} name="params" render={({ field }) => (
        <ParamFields template={template} value={field.value} onChange={field.onChange} errors={paramErrors} />
      )} />
    </>
  );
}

/** "params.words" → {words: message}: the server's parameter errors for the fields. */
export function paramApiErrors(errors: { field: string; message: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) {
    const m = /^(?:body\.)?params\.(.+)$/.exec(e.field);
    if (m && !(m[1] in out)) out[m[1]] = e.message;
  }
  return out;
}
