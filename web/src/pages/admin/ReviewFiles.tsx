import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { getReviewFiles } from "../../api/admin";
import { QueryView } from "../../components/QueryView";
import { formatBytes } from "../../lib/format";

/** Every file of the version under review, read in place: the moderator judges what buyers
 * would download, not only the samples the public preview shows. */
export function ReviewFiles({ personaId, version, label }: { personaId: string; version?: string; label: string }) {
  const [open, setOpen] = useState(false);
  const files = useQuery({
    queryKey: ["admin", "review-files", personaId, version ?? "waiting"],
    queryFn: () => getReviewFiles(personaId, version),
    enabled: open,
  });
  return (
    <details className="review-files" onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>Read the files of {label}</summary>
      {open ? (
        <QueryView query={files} loadingLabel="Loading the files…">
          {(data) => (
            <ul className="plain-list review-file-list" aria-label={`Files of ${label}`}>
              {data.files.map((f) => (
                <li key={f.path}>
                  <div className="review-file-head">
                    <code>{f.path}</code> <span className="muted small">{formatBytes(f.size)}</span>
                  </div>
                  {f.content === null || f.content === undefined ? (
                    <p className="muted small">An image: not shown as text.</p>
                  ) : (
                    <pre className="file-text">
                      {f.content}
                      {f.truncated ? "\n…" : ""}
                    </pre>
                  )}
                </li>
              ))}
            </ul>
          )}
        </QueryView>
      ) : null}
    </details>
  );
}
