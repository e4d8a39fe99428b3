import { useQuery } from "@tanstack/react-query";
import { listVersions, type Persona } from "../../../api";
import { qk } from "../../../api/queryKeys";
import { QueryView } from "../../../components/QueryView";
import { EmptyState } from "../../../components/States";
import { VersionFiles } from "../../../components/VersionFiles";
import { formatDate } from "../../../lib/format";
import { compareSemver } from "../../../lib/semver";
import { usePersonaDownload } from "../../../lib/useDownload";

export function VersionsSection({ persona, canDownload }: { persona: Persona; canDownload: boolean }) {
  const versions = useQuery({ queryKey: qk.versions(persona.id), queryFn: () => listVersions(persona.id) });
  const { download, isBusy } = usePersonaDownload();
  return (
    <section className="section" aria-labelledby="versions-heading">
      <h2 id="versions-heading">Versions</h2>
      <QueryView query={versions} loadingLabel="Loading versions…">
        {(data) =>
          data.length === 0 ? (
            <EmptyState title="No versions published yet" />
          ) : (
            <ol className="versions">
              {[...data]
                .sort((a, b) => compareSemver(b.version, a.version))
                .map((v) => (
                  <li key={v.version} className="version">
                    <div className="version-head">
                      <strong>v{v.version}</strong>
                      {v.version === persona.latest_version ? <span className="badge badge-approved">Latest</span> : null}
                      <span className="muted">{formatDate(v.created_at)}</span>
                      {canDownload ? (
                        <button
                          type="button"
                          className="btn btn-small btn-ghost"
                          onClick={() => void download(persona.id, persona.name, v.version)}
                          disabled={isBusy(persona.id, v.version)}
                          aria-label={`Download version ${v.version}`}
                        >
                          {isBusy(persona.id, v.version) ? "Preparing…" : "Download"}
                        </button>
                      ) : null}
                    </div>
                    {v.changelog ? <p className="changelog">{v.changelog}</p> : <p className="muted">No changelog.</p>}
                    <VersionFiles files={v.files ?? []} />
                  </li>
                ))}
            </ol>
          )}
      </QueryView>
    </section>
  );
}
