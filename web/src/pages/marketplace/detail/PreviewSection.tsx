import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { getPreview, isApiError } from "../../../api";
import { qk } from "../../../api/queryKeys";
import { QueryView } from "../../../components/QueryView";
import { Markdown, prettyJson } from "../../../components/Markdown";
import { formatBytes } from "../../../lib/format";

export function PreviewSection({ personaId }: { personaId: string }) {
  const preview = useQuery({ queryKey: qk.preview(personaId), queryFn: () => getPreview(personaId) });
  const [active, setActive] = useState(0);

  if (preview.isError && isApiError(preview.error) && preview.error.status === 404) return null;

  return (
    <section className="section" aria-labelledby="preview-heading">
      <h2 id="preview-heading">Preview</h2>
      <QueryView query={preview} loadingLabel="Loading preview…">
        {(data) =>
          data.files.length === 0 ? (
            <p className="muted">The creator hasn't shared sample files for this persona.</p>
          ) : (
            <div className="preview">
              <div className="tabs" role="tablist" aria-label="Sample files">
                {data.files.map((f, i) => (
                  <button
                    key={f.path}
                    type="button"
                    role="tab"
                    id={`preview-tab-${i}`}
                    aria-selected={i === active}
                    aria-controls={`preview-panel-${i}`}
                    tabIndex={i === active ? 0 : -1}
                    className={`tab${i === active ? " active" : ""}`}
                    onClick={() => setActive(i)}
                    onKeyDown={(e) => {
                      const n = data.files.length;
                      if (e.key === "ArrowRight") setActive((active + 1) % n);
                      if (e.key === "ArrowLeft") setActive((active - 1 + n) % n);
                    }}
                  >
                    {f.path}
                  </button>
                ))}
              </div>
              {data.files.map((f, i) => (
                <div key={f.path} role="tabpanel" id={`preview-panel-${i}`} aria-labelledby={`preview-tab-${i}`} hidden={i !== active}>
                  {f.content === null ? (
                    <p className="muted">{f.content_type.startsWith("image/") ? "An image" : "A file"} ({formatBytes(f.size)}) — it comes with the download.</p>
                  ) : f.render_as === "markdown" ? (
                    <div className="preview-file preview-markdown">
                      <Markdown source={f.content} />
                    </div>
                  ) : (
                    <pre className="preview-file">{f.render_as === "json" ? prettyJson(f.content, f.truncated) : f.content}</pre>
                  )}
                  {f.truncated ? <p className="hint">Preview shortened — the full file comes with the download.</p> : null}
                </div>
              ))}
            </div>
          )}
      </QueryView>
    </section>
  );
}
