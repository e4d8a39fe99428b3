// The history beside the generator: open one, star it, delete it, or tick two to see what
// changed between them (a rerun against its original, or any two).

import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CheckboxField } from "../../components/Field";
import { PagedList } from "../../components/PagedList";
import { EmptyState, ErrorState, FormError, LoadingState } from "../../components/States";
import { diffParams, diffWords } from "../../lib/diff";
import { formatDateTime } from "../../lib/format";
import { usePagedList } from "../../lib/usePagedList";
import { deleteGeneration, getGeneration, listHistory, setFavourite, type Generation } from "./generationApi";

export const HISTORY_KEY = ["generation", "history"] as const;

export function HistoryPanel({ onOpen, compare, onCompare, onDeleted }: {
  onOpen: (g: Generation) => void;
  /** The generations ticked for comparing (at most two). */
  compare: string[];
  onCompare: (ids: string[]) => void;
  onDeleted: (id: string) => void;
}) {
  const qc = useQueryClient();
  const [favourites, setFavourites] = useState(false);
  const [confirming, setConfirming] = useState<string | null>(null);
  const list = usePagedList([...HISTORY_KEY, { favourites }], (p) => listHistory({ ...p, favourite: favourites || undefined }), { limit: 20 });
  const star = useMutation({
    mutationFn: (g: Generation) => setFavourite(g.id, !g.favourite),
    onSettled: () => void qc.invalidateQueries({ queryKey: HISTORY_KEY }),
  });
  const remove = useMutation({
    mutationFn: (id: string) => deleteGeneration(id),
    onSuccess: (_, id) => {
      setConfirming(null);
      onCompare(compare.filter((c) => c !== id));
      onDeleted(id);
      void qc.invalidateQueries({ queryKey: HISTORY_KEY });
    },
  });
  const tick = (id: string, on: boolean) =>
    onCompare(on ? [...compare.filter((c) => c !== id), id].slice(-2) : compare.filter((c) => c !== id));

  return (
    <>
      <CheckboxField label="Favourites only" checked={favourites} onChange={(e) => setFavourites(e.target.checked)} />
      <FormError error={star.error ?? remove.error} />
      <PagedList list={list} empty={<EmptyState title={favourites ? "No favourites yet" : "Nothing yet"}>{favourites ? "Star a text to keep it here." : "Your texts appear here."}</EmptyState>}>
        {(items) => (
          <ul className="generate-history" aria-label="History">
            {items.map((g) => {
              const title = `${g.template_name} · ${g.persona_name}${g.rerun_of ? " · rerun" : ""} · ${g.status}`;
              return (
                <li key={g.id}>
                  <button type="button" className="btn-link" onClick={() => onOpen(g)}>{title}</button>
                  <div className="hint">{formatDateTime(g.created_at)} · {g.output.slice(0, 120)}</div>
                  <div className="row generate-history-actions">
                    <button type="button" className={`btn btn-small${g.favourite ? " active" : ""}`} aria-pressed={g.favourite}
                      aria-label={`Favourite: ${title}`} title={g.favourite ? "Remove from favourites" : "Add to favourites"}
                      disabled={star.isPending} onClick={() => star.mutate(g)}>
                      {g.favourite ? "★" : "☆"}
                    </button>
                    <CheckboxField label="Compare" checked={compare.includes(g.id)} onChange={(e) => tick(g.id, e.target.checked)} />
                    {confirming === g.id ? (
                      <>
                        <button type="button" className="btn btn-small btn-danger" disabled={remove.isPending} onClick={() => remove.mutate(g.id)}>Delete for good</button>
                        <button type="button" className="btn btn-small btn-ghost" onClick={() => setConfirming(null)}>Keep</button>
                      </>
                    ) : (
                      <button type="button" className="btn btn-small" aria-label={`Delete: ${title}`} onClick={() => setConfirming(g.id)}>Delete</button>
                    )}
                  </div>
                </li>
              );
            })}
          </ul>
        )}
      </PagedList>
    </>
  );
}

function show(v: unknown): string {
  return v === undefined ? "—" : typeof v === "string" ? v : JSON.stringify(v);
}

/** What changed from the older of two generations to the newer: parameters and text. */
export function DiffView({ ids, onClose }: { ids: string[]; onClose: () => void }) {
  const a = useQuery({ queryKey: ["generation", "one", ids[0]], queryFn: () => getGeneration(ids[0]) });
  const b = useQuery({ queryKey: ["generation", "one", ids[1]], queryFn: () => getGeneration(ids[1]) });
  if (a.isPending || b.isPending) return <LoadingState label="Comparing…" />;
  if (!a.data || !b.data) return <ErrorState error={a.error ?? b.error} />;
  const [before, after] = a.data.created_at <= b.data.created_at ? [a.data, b.data] : [b.data, a.data];
  const params = diffParams(before.params, after.params);
  const parts = diffWords(before.output, after.output);
  const other = [
    ["Model", before.model, after.model],
    ["Template", before.template_name, after.template_name],
    ["Persona", before.persona_name, after.persona_name],
  ].filter(([, x, y]) => x !== y);
  return (
    <section className="card stack generate-diff" aria-labelledby="diff-heading">
      <div className="row">
        <h2 id="diff-heading">What changed</h2>
        <button type="button" className="btn btn-small btn-ghost" onClick={onClose}>Close</button>
      </div>
      <p className="hint">From {formatDateTime(before.created_at)} to {formatDateTime(after.created_at)}{after.rerun_of === before.id ? " (its rerun)" : ""}.</p>
      <table className="table" aria-label="Changed parameters">
        <thead><tr><th scope="col">Parameter</th><th scope="col">Before</th><th scope="col">After</th></tr></thead>
        <tbody>
          {Object.entries(params).map(([k, v]) => (
            <tr key={k}><th scope="row">{k}</th><td>{show(v.from)}</td><td>{show(v.to)}</td></tr>
          ))}
          {other.map(([k, x, y]) => (
            <tr key={k}><th scope="row">{k}</th><td>{x}</td><td>{y}</td></tr>
          ))}
          {Object.keys(params).length + other.length === 0 ? <tr><td colSpan={3}>Same parameters.</td></tr> : null}
        </tbody>
      </table>
      <pre className="generate-output" aria-label="Text changes">
        {parts.map((p, i) =>
          p.kind === "same" ? <span key={i}>{p.text}</span> : p.kind === "added" ? <ins key={i}>{p.text}</ins> : <del key={i}>{p.text}</del>,
        )}
      </pre>
    </section>
  );
}
