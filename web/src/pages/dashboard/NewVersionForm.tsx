import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { createVersion, type Persona } from "../../api";
import { qk } from "../../api/queryKeys";
import { TextArea, TextField } from "../../components/Field";
import { FileDropZone } from "../../components/FileDropZone";
import { ProgressBar } from "../../components/ProgressBar";
import { FormError } from "../../components/States";
import { useToast } from "../../components/Toast";
import { fieldErrorsOf, formLevelError } from "../../lib/forms";
import { formatBytes, pluralize } from "../../lib/format";
import { PERSONA_FILE_ACCEPT, PERSONA_FILES_HINT, personaFilesProblem } from "../../lib/files";
import { compareSemver, isSemver, nextPatch } from "../../lib/semver";

export function NewVersionForm({ persona }: { persona: Persona }) {
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const [version, setVersion] = useState(() => nextPatch(persona.latest_version));
  const [changelog, setChangelog] = useState("");
  const [files, setFiles] = useState<File[]>([]);
  const [progress, setProgress] = useState<number | null>(null);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});

  const mutation = useMutation({
    mutationFn: () => createVersion(persona.id, { version: version.trim(), changelog: changelog.trim(), files }, { onProgress: (p) => setProgress(p.fraction) }),
    onSuccess: (v) => {
      notify(
        v.status === "in_review"
          ? `Version ${v.version} was sent for review. Buyers keep getting ${persona.latest_version ?? "the current version"} until it is approved.`
          : `Version ${v.version} published.`,
      );
      setChangelog("");
      setFiles([]);
      setVersion(nextPatch(version));
      void queryClient.invalidateQueries({ queryKey: qk.versions(persona.id) });
      void queryClient.invalidateQueries({ queryKey: qk.persona(persona.id) });
      void queryClient.invalidateQueries({ queryKey: qk.myPersonas });
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!isSemver(version)) errs.version = "Use a version like 1.2.0 (major.minor.patch).";
    else if (persona.latest_version && isSemver(persona.latest_version) && compareSemver(version, persona.latest_version) <= 0)
      errs.version = `Must be higher than the current version ${persona.latest_version}.`;
    if (!changelog.trim()) errs.changelog = "Tell buyers what changed.";
    if (!files.length) errs.files = "Add the files for this version.";
    else if (personaFilesProblem(files)) errs.files = personaFilesProblem(files)!;
    setLocalErrors(errs);
    if (Object.keys(errs).length) return;
    setProgress(0);
    mutation.mutate();
  };

  const fe = { ...fieldErrorsOf(mutation.error), ...localErrors };
  const current = persona.versions?.find((v) => v.version === persona.latest_version);
  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="new-version-heading">
      <h2 id="new-version-heading">New version</h2>
      <p className="muted">
        Upload a complete new set of files. {persona.latest_version ? `The current version is ${persona.latest_version}.` : "This will be the first version."} Everyone who owns
        the persona gets the update
        {persona.status === "approved" ? " once a moderator has approved it (the current version stays available until then)" : ""}.
      </p>
      {current?.files.length ? (
        <details className="version-files">
          <summary className="muted small">
            Files in {current.version}: {pluralize(current.files.length, "file")} · {formatBytes(current.files.reduce((n, f) => n + f.size, 0))}
          </summary>
          <ul>
            {current.files.map((f) => (
              <li key={f.path}>
                <code>{f.path}</code> <span className="muted small">{formatBytes(f.size)}</span>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      <FormError error={formLevelError(mutation.error, ["version", "changelog", "files"])} />
      <TextField label="Version" value={version} onChange={(e) => setVersion(e.target.value)} error={fe.version} hint="Semantic version: major.minor.patch" />
      <TextArea label="Changelog" rows={4} value={changelog} onChange={(e) => setChangelog(e.target.value)} error={fe.changelog} />
      <FileDropZone label="Files" files={files} onChange={setFiles} error={fe.files} disabled={mutation.isPending} accept={PERSONA_FILE_ACCEPT} hint={PERSONA_FILES_HINT} />
      {mutation.isPending ? <ProgressBar value={progress} label="Uploading" /> : null}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={mutation.isPending}>
          {mutation.isPending ? "Publishing…" : "Publish version"}
        </button>
      </div>
    </form>
  );
}
