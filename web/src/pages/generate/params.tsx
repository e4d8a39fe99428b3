// A template's parameters as form fields, and as a zod schema for react-hook-form: both are
// built from the template's JSON Schema (string with maxLength or enum, number/integer with a
// range, boolean; required; default).

import { z } from "zod";
import { CheckboxField, SelectField, TextField } from "../../components/Field";
import type { ParamSpec, Template } from "./generationApi";

export type Params = Record<string, unknown>;

export function defaults(t: Template | undefined): Params {
  const out: Params = {};
  for (const [name, spec] of Object.entries(t?.params_schema.properties ?? {})) {
    if (spec.default !== undefined) out[name] = spec.default;
  }
  return out;
}

/** The zod check of a template's parameters (the server checks them again). */
export function paramsSchema(t: Template | undefined): z.ZodType<Params> {
  const required = new Set(t?.params_schema.required ?? []);
  const shape: Record<string, z.ZodType> = {};
  for (const [name, spec] of Object.entries(t?.params_schema.properties ?? {})) {
    let field: z.ZodType;
    if (spec.type === "boolean") field = z.boolean();
    else if (spec.enum?.length) field = z.enum(spec.enum as [string, ...string[]], { message: "Choose one of the options" });
    else if (spec.type === "string") {
      let s = z.string().trim();
      if (spec.maxLength) s = s.max(spec.maxLength, `At most ${spec.maxLength} characters`);
      field = required.has(name) ? s.min(1, "Required") : s;
    } else {
      let n = z.number({ message: "Enter a number" });
      if (spec.type === "integer") n = n.int("A whole number");
      if (spec.minimum !== undefined) n = n.min(spec.minimum, `At least ${spec.minimum}`);
      if (spec.maximum !== undefined) n = n.max(spec.maximum, `At most ${spec.maximum}`);
      field = n;
    }
    shape[name] = required.has(name) ? field : field.optional();
  }
  return z.object(shape) as unknown as z.ZodType<Params>;
}

export function ParamField({ name, spec, value, required, error, onChange }: {
  name: string; spec: ParamSpec; value: unknown; required: boolean; error?: string; onChange: (v: unknown) => void;
}) {
  const label = spec.title ?? name;
  if (spec.type === "boolean") {
    return <CheckboxField label={label} error={error} checked={value === true} onChange={(e) => onChange(e.target.checked)} />;
  }
  if (spec.enum) {
    return (
      <SelectField label={label} required={required} error={error} value={String(value ?? "")} onChange={(e) => onChange(e.target.value)}>
        {spec.enum.map((o) => <option key={o} value={o}>{o}</option>)}
      </SelectField>
    );
  }
  if (spec.type === "string") {
    return (
      <TextField label={label} required={required} maxLength={spec.maxLength} hint={spec.description} error={error}
        value={String(value ?? "")} onChange={(e) => onChange(e.target.value)} />
    );
  }
  return (
    <TextField label={label} type="number" required={required} min={spec.minimum} max={spec.maximum} error={error}
      step={spec.type === "integer" ? 1 : "any"} value={value === undefined ? "" : String(value)}
      onChange={(e) => onChange(e.target.value === "" ? undefined : Number(e.target.value))} />
  );
}

/** Every parameter of `template`; `errors` are keyed by parameter name. */
export function ParamFields({ template, value, onChange, errors = {} }: {
  template: Template | undefined; value: Params; onChange: (v: Params) => void; errors?: Record<string, string | undefined>;
}) {
  const required = new Set(template?.params_schema.required ?? []);
  return (
    <>
      {Object.entries(template?.params_schema.properties ?? {}).map(([name, spec]) => (
        <ParamField key={name} name={name} spec={spec} value={value[name]} required={required.has(name)} error={errors[name]}
          onChange={(v) => onChange({ ...value, [name]: v })} />
      ))}
    </>
  );
}
