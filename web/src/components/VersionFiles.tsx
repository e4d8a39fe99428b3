import { formatBytes, pluralize } from "../lib/format";

/** A version's files, folded: "3 files · 12 KB", opening to the list of paths and sizes. */
export function VersionFiles({ files, prefix = "" }: { files: readonly { path: string; size: number }[]; prefix?: string }) {
  if (!files.length) return null;
  return (
    <details className="version-files">
      <summary className="muted small">
        {prefix}
        {pluralize(files.length, "file")} · {formatBytes(files.reduce((n, f) => n + f.size, 0))}
      </summary>
      <ul>
        {files.map((f) => (
          <li key={f.path}>
            <code>{f.path}</code> <span className="muted small">{formatBytes(f.size)}</span>
          </li>
        ))}
      </ul>
    </details>
  );
}
