import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { downloadPersona, errorMessage } from "../api";
import { useToast } from "../components/Toast";
import { saveBlob, slugify } from "./download";

/** Download a persona zip through the authenticated API and save it. */
export function usePersonaDownload() {
  const [busy, setBusy] = useState<string | null>(null);
  const { notify } = useToast();
  const queryClient = useQueryClient();
  const download = async (personaId: string, name: string, version?: string) => {
    const key = `${personaId}@${version ?? "latest"}`;
    setBusy(key);
    try {
      const res = await downloadPersona(personaId, version);
      saveBlob(res, `${slugify(name)}${version ? `-${version}` : ""}.zip`);
      notify(`Downloading ${name}${version ? ` ${version}` : ""}.`);
      void queryClient.invalidateQueries({ queryKey: ["personas", "detail", personaId] });
    } catch (e) {
      notify(`Download failed: ${errorMessage(e)}`, "error");
    } finally {
      setBusy(null);
    }
  };
  return { download, busyKey: busy, isBusy: (personaId: string, version?: string) => busy === `${personaId}@${version ?? "latest"}` };
}
