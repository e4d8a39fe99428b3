// A row of personas from the analytics service (trending, similar, also downloaded, for you).

import { Link } from "react-router";
import { useQuery } from "@tanstack/react-query";
import type { DiscoveryItem } from "../api/analytics";

export function DiscoveryRow({
  title,
  queryKey,
  load,
  source,
}: {
  title: string;
  queryKey: readonly unknown[];
  load: () => Promise<{ items: DiscoveryItem[] }>;
  /** Passed to the detail page so its view counts under this source. */
  source: string;
}) {
  const q = useQuery({ queryKey: ["discovery", ...queryKey], queryFn: load, retry: false, staleTime: 60_000 });
  const items = q.data?.items ?? [];
  if (!items.length) return null;
  return (
    <section className="card discovery-row" aria-label={title}>
      <h2>{title}</h2>
      <ul className="plain-list discovery-items">
        {items.map((p) => (
          <li key={p.persona_id}>
            <Link to={`/marketplace/${encodeURIComponent(p.persona_id)}?ref=${source}`}>{p.name}</Link>
            {p.category ? <span className="muted small"> · {p.category}</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
