import { Link } from "react-router";
import type { Persona } from "../api";
import { formatPrice } from "../lib/money";
import { formatCount } from "../lib/format";
import { useCategoryName } from "../lib/useCatalog";
import { Stars } from "./Stars";

export function PersonaCard({ persona }: { persona: Persona }) {
  const categoryName = useCategoryName();
  return (
    <article className="card persona-card">
      <div className="persona-card-top">
        <span className="chip chip-static">{categoryName(persona.category)}</span>
        <span className={`price${persona.price_cents === 0 ? " price-free" : ""}`}>{formatPrice(persona.price_cents, persona.currency)}</span>
      </div>
      <h3 className="persona-card-title">
        <Link to={`/marketplace/${encodeURIComponent(persona.id)}`} className="stretched">
          {persona.name}
        </Link>
      </h3>
      <p className="persona-card-desc">{persona.short_description}</p>
      <div className="persona-card-meta">
        <Stars value={persona.rating_avg} count={persona.rating_count} size="sm" />
        <span className="downloads" title={`${persona.downloads} downloads`}>
          <span aria-hidden="true">⤓</span> {formatCount(persona.downloads)}
          <span className="sr-only"> downloads</span>
        </span>
      </div>
      <div className="persona-card-creator muted">by {persona.creator?.username ?? "unknown"}</div>
    </article>
  );
}

export function PersonaGrid({ personas }: { personas: Persona[] }) {
  return (
    <ul className="persona-grid" aria-label="Personas">
      {personas.map((p) => (
        <li key={p.id}>
          <PersonaCard persona={p} />
        </li>
      ))}
    </ul>
  );
}
