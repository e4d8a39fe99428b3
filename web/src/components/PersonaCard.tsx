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
      <div className="persona-card-cover" aria-hidden="true" style={persona.cover ? undefined : { background: placeholder(persona.name) }}>
        {persona.cover ? <img src={persona.cover.thumb_url} alt="" loading="lazy" width={640} height={360} /> : <span>{persona.name.slice(0, 1).toUpperCase()}</span>}
      </div>
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

/** A persona without a cover still gets a look of its own: a gradient from its name. */
function placeholder(name: string): string {
  let hue = 0;
  for (const ch of name) hue = (hue * 31 + ch.charCodeAt(0)) % 360;
  return `linear-gradient(135deg, hsl(${hue} 60% 55%), hsl(${(hue + 50) % 360} 60% 40%))`;
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
