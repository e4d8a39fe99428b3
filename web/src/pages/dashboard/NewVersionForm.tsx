import { useState } from "react";
import { Controller } from "react-hook-form";
import { z } from "zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { createVersion, type Persona } from "../../api";
import { qk } from "../../api/queryKeys";
import { TextArea, TextField } from "../../components/Field";
import { FileDropZone } from "../../components/FileDropZone";
import { FormActions } from "../../components/FormActions";
import { ProgressBar } from "../../components/ProgressBar";
import { FormError } from "../../components/States";
import { useToast } from "../../components/Toast";
import { VersionFiles } from "../../components/VersionFiles";
import { binder, formLevelError, messagesOf, useZodForm } from "../../lib/forms";
import { PERSONA_FILE_ACCEPT, PERSONA_FILES_HINT, personaFilesProblem } from "../../lib/files";
import { compareSemver, isSemver, nextPatch } from "../../lib/semver";

/** A new version must be semantic and above the current one; the files are a complete new set. */
function versionSchema(latest: string | null | undefined) {
  return z.object({
    version: z
      .string()
      .refine(isSemver, "Use a version like 1.2.0 (major.minor.patch).")
      .refine((v) => !isSemver(v) || !latest || !isSemver(latest) || compareSemver(v, latest) > 0, `Must be higher than the current version ${latest}.`),
    changelog: z.string().trim().min(1, "Tell buyers what changed."),
    files: z.array(z.instanceof(File)).superRefine((files, ctx) => {
      const problem = files.length ? personaFilesProblem(files) : "Add the files for this version.";
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  });
}
type VersionValues = z.infer<ReturnType<typeof versionSchema>>;

export function NewVersionForm({ persona }: { persona: Persona }) {
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const [progress, setProgress] = useState<number | null>(null);
  const form = useZodForm<VersionValues>(versionSchema(persona.latest_version), { version: nextPatch(persona.latest_version), changelog: "", files: [] });

  const mutation = useMutation({
    mutationFn: ({ version, changelog, files }: VersionValues) => createVersion(persona.id, { version: version.trim(), changelog, files }, { onProgress: (p) => setProgress(p.fraction) }),
    onSuccess: (v, { version }) => {
      notify(
        v.status === "in_review"
          ? `Version ${v.version} was sent for review. Buyers keep getting ${persona.latest_version ?? "the current version"} until it is approved.`
          : `Version ${v.version} published.`,
      );
      form.reset({ version: nextPatch(version), changelog: "", files: [] });
      void queryClient.invalidateQueries({ queryKey: qk.versions(persona.id) });
      void queryClient.invalidateQueries({ queryKey: qk.persona(persona.id) });
      void queryClient.invalidateQueries({ queryKey: qk.myPersonas });
    },
  });

  const submit = form.handleSubmit((values) => {
    setProgress(0);
    mutation.mutate(values);
  });

  const message = messagesOf(form.formState.errors, mutation.error);

  const bind = binder(form, mutation.error);
  const current = persona.versions?.find((v) => v.version === persona.latest_version);
  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="new-version-heading">
      <h2 id="new-version-heading">New version</h2>
      <p className="muted">
        Upload a complete new set of files. {persona.latest_version ? `The current version is ${persona.latest_version}.` : "This will be the first version."} Everyone who owns
        the persona gets the update
        {persona.status === "approved" ? " once a moderator has approved it (the current version stays available until then)" : ""}.
      </p>
      {current ? <VersionFiles files={current.files} prefix={`Files in ${current.version}: `} /> : null}
      <FormError error={formLevelError(mutation.error, ["version", "changelog", "files"])} />
      <TextField label="Version" {...bind("version")} hint="Semantic version: major.minor.patch" />
      <TextArea label="Changelog" rows={4} {...bind("changelog")} />
      <Controller
        control={form.control}
        name="files"
        render={({ field }) => (
          <FileDropZone label="Files" files={field.value} onChange={field.onChange} error={message("files")} disabled={mutation.isPending} accept={PERSONA_FILE_ACCEPT} hint={PERSONA_FILES_HINT} />
        )}
      />
      {mutation.isPending ? <ProgressBar value={progress} label="Uploading" /> : null}
      <FormActions label="Publish version" busyLabel="Publishing…" busy={mutation.isPending} />
    </form>
  );
}
