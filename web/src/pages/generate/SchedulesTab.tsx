// Schedules: generate once at a time, or repeatedly by a cron expression, in your time zone.
// Workers run them; the texts land in your history.

import { useEffect } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { isApiError } from "../../api/client";
import { SelectField, TextField } from "../../components/Field";
import { PagedList } from "../../components/PagedList";
import { EmptyState, ErrorState, FormError, LoadingState } from "../../components/States";
import { useToast } from "../../components/Toast";
import { formatDateTime } from "../../lib/format";
import { fieldErrorsOf } from "../../lib/forms";
import { usePagedList } from "../../lib/usePagedList";
import { createSchedule, deleteSchedule, listSchedules, type Schedule, type Template } from "./generationApi";
import { defaults, paramsSchema } from "./params";
import { JobFields, jobOf, paramApiErrors, useOwnedPersonas, useTemplates, type JobValues } from "./shared";

type ScheduleValues = JobValues & { when: "once" | "repeat"; run_at: string; cron: string; timezone: string };

const CRON = /^\s*\S+(\s+\S+){4}\s*$/;

function schemaFor(template: Template | undefined, when: string) {
  return z.object({
    persona_id: z.string().min(1, "Choose a persona"),
    template_id: z.string().min(1, "Choose a template"),
    params: paramsSchema(template),
    when: z.enum(["once", "repeat"]),
    run_at: when === "once" ? z.string().min(1, "Choose a date and time") : z.string(),
    cron: when === "repeat" ? z.string().regex(CRON, "Five parts: minute hour day month weekday") : z.string(),
    timezone: z.string().min(1, "Choose a time zone"),
  });
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

function timeZones(): string[] {
  const all = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return [...new Set(["UTC", browserTimeZone(), ...all])];
}

export function SchedulesTab() {
  const qc = useQueryClient();
  const { notify } = useToast();
  const templates = useTemplates();
  const owned = useOwnedPersonas();
  const form = useForm<ScheduleValues>({
    resolver: (values, ctx, opts) =>
      zodResolver(schemaFor(templates.data?.items.find((t) => t.id === values.template_id), values.when))(values, ctx, opts as never) as never,
    defaultValues: { persona_id: "", template_id: "", params: {}, when: "repeat", run_at: "", cron: "0 9 * * 1-5", timezone: browserTimeZone() },
  });
  const when = form.watch("when");
  const template = templates.data?.items.find((t) => t.id === form.watch("template_id"));
  const create = useMutation({
    mutationFn: (v: ScheduleValues) =>
      createSchedule({
        ...jobOf(v),
        timezone: v.timezone,
        // a time without offset: the server reads it in `timezone`
        ...(v.when === "once" ? { run_at: v.run_at } : { cron: v.cron.trim() }),
      }),
    onSuccess: () => {
      notify("Schedule saved.");
      void qc.invalidateQueries({ queryKey: ["generation", "schedules"] });
    },
  });
  useEffect(() => {
    if (!form.getValues("persona_id") && owned.data?.length) form.setValue("persona_id", owned.data[0].id);
  }, [form, owned.data]);

  if (templates.isPending || owned.isPending) return <LoadingState />;
  if (templates.error || owned.error) return <ErrorState error={templates.error ?? owned.error} />;
  const { errors } = form.formState;
  const api = fieldErrorsOf(create.error);
  const apiParams = isApiError(create.error) ? paramApiErrors(create.error.errors) : {};
  const shown = Object.keys(api).some((f) => ["run_at", "cron", "timezone"].includes(f)) || Object.keys(apiParams).length > 0;

  return (
    <div className="generate-columns">
      <form className="card stack" noValidate aria-label="New schedule" onSubmit={form.handleSubmit((v) => create.mutate(v))}>
        <h2>New schedule</h2>
        <JobFields control={form.control as never} errors={errors} personas={owned.data} templates={templates.data.items}
          template={template} apiErrors={apiParams}
          onTemplate={(id) => form.setValue("params", defaults(templates.data.items.find((t) => t.id === id)))} />
        <SelectField label="When" {...form.register("when")}>
          <option value="repeat">Repeating</option>
          <option value="once">Once</option>
        </SelectField>
        {when === "once" ? (
          <TextField label="Date and time" type="datetime-local" required error={errors.run_at?.message ?? api.run_at}
            {...form.register("run_at")} />
        ) : (
          <TextField label="Repeat (cron)" required error={errors.cron?.message ?? api.cron}
            hint="minute hour day-of-month month weekday: “0 9 * * 1-5” = weekdays at 9:00, “30 18 * * *” = every day at 18:30."
            {...form.register("cron")} />
        )}
        <SelectField label="Time zone" required error={errors.timezone?.message ?? api.timezone} {...form.register("timezone")}>
          {timeZones().map((z) => <option key={z} value={z}>{z}</option>)}
        </SelectField>
        {create.error && !shown ? <FormError error={create.error} /> : null}
        <div className="row">
          <button type="submit" className="btn btn-primary" disabled={create.isPending}>{create.isPending ? "Saving…" : "Save schedule"}</button>
        </div>
      </form>
      <section className="card stack" aria-labelledby="schedules-heading">
        <h2 id="schedules-heading">Your schedules</h2>
        <p className="hint">If the service was down when a repeating schedule was due, it runs once when it is back (not once per missed time).</p>
        <ScheduleList templates={templates.data.items} />
      </section>
    </div>
  );
}

function ScheduleList({ templates }: { templates: Template[] }) {
  const qc = useQueryClient();
  const list = usePagedList(["generation", "schedules"], listSchedules, { limit: 25 });
  const remove = useMutation({
    mutationFn: (id: string) => deleteSchedule(id),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["generation", "schedules"] }),
  });
  const name = (s: Schedule) => templates.find((t) => t.id === s.spec.template_id)?.name ?? s.spec.template_id;
  return (
    <>
      <FormError error={remove.error} />
      <PagedList list={list} empty={<EmptyState title="No schedules yet">Save one to have texts written for you on time.</EmptyState>}>
        {(items) => (
          <ul className="generate-history" aria-label="Schedules">
            {items.map((s) => (
              <li key={s.id} className="row">
                <div>
                  <strong>{name(s)}</strong> · {s.cron ? `repeats “${s.cron}”` : "once"} · {s.timezone}
                  <div className="hint">
                    {s.next_run_at ? `Next: ${formatDateTime(s.next_run_at)}` : "Nothing more to run"}
                    {s.last_run_at ? ` · last: ${formatDateTime(s.last_run_at)}` : ""} · {s.status}
                  </div>
                </div>
                <button type="button" className="btn btn-small btn-danger" disabled={remove.isPending}
                  aria-label={`Delete schedule ${name(s)} ${s.cron ?? "once"}`} onClick={() => remove.mutate(s.id)}>
                  Delete
                </button>
              </li>
            ))}
          </ul>
        )}
      </PagedList>
    </>
  );
}
