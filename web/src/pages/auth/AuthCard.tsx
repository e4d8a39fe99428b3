import type { ReactNode } from "react";
import { Link } from "react-router";

/** The one layout of the log-in and sign-up pages: a centred card, its form, links below. */
export function AuthCard({ title, intro, links, children }: { title: string; intro: string; links: ReactNode; children: ReactNode }) {
  return (
    <div className="page auth-page">
      <div className="card auth-card">
        <h1>{title}</h1>
        <p className="muted">{intro}</p>
        {children}
        <div className="auth-links">{links}</div>
      </div>
    </div>
  );
}

/** A link to another auth page that carries the `next` the visitor came with (if any). */
export function AuthLink({ to, next, params, children }: { to: string; next: string; params: URLSearchParams; children: ReactNode }) {
  return <Link to={`${to}${params.get("next") ? `?next=${encodeURIComponent(next)}` : ""}`}>{children}</Link>;
}
