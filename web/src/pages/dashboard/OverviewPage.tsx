import { Link } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { getEarnings, listMyPersonas, listMyPurchases } from "../../api";
import { qk } from "../../api/queryKeys";
import { useAuth } from "../../auth/AuthContext";
import { QueryView } from "../../components/QueryView";
import { LoadingState } from "../../components/States";
import { PersonaStatus } from "../../components/StatusBadge";
import { formatCount, formatRating, pluralize } from "../../lib/format";
import { formatMoney } from "../../lib/money";
import { useTitle } from "../../lib/useTitle";

/** The dashboard's shortcuts: where, what, and the button's kind. */
const QUICK_ACTIONS: [to: string, label: string, kind?: "primary" | "ghost"][] = [
  ["/marketplace/submit", "Create a persona", "primary"],
  ["/dashboard/earnings", "Request a payout"],
  ["/dashboard/purchases", "Open your library"],
  ["/dashboard/profile", "Edit your profile"],
  ["/marketplace", "Browse the marketplace", "ghost"],
];

export default function OverviewPage() {
  useTitle("Dashboard");
  const { user } = useAuth();
  const personas = useQuery({ queryKey: [...qk.myPersonas, "overview"], queryFn: () => listMyPersonas({ limit: 100 }) });
  const purchases = useQuery({ queryKey: [...qk.myPurchases, "overview"], queryFn: () => listMyPurchases({ limit: 100 }) });
  const earnings = useQuery({ queryKey: qk.earnings, queryFn: () => getEarnings(), retry: false });

  const mine = personas.data?.items ?? [];
  const more = personas.data?.next_cursor ? "+" : "";
  const published = mine.filter((p) => p.status === "approved").length;
  const downloads = mine.reduce((s, p) => s + (p.downloads ?? 0), 0);
  const rated = mine.filter((p) => p.rating_count > 0 && p.rating_avg != null);
  const ratingCount = rated.reduce((s, p) => s + p.rating_count, 0);
  const avgRating = ratingCount ? rated.reduce((s, p) => s + (p.rating_avg ?? 0) * p.rating_count, 0) / ratingCount : null;
  const attention = mine.filter((p) => p.status === "rejected" || p.status === "suspended");

  // Someone who has never made a persona is a buyer: their library first and an invitation
  // to sell, not payouts and empty creator figures.
  if (personas.isSuccess && mine.length === 0 && !personas.data.next_cursor) {
    return <BuyerOverview username={user?.username} purchases={purchases.data?.items} loading={purchases.isPending} />;
  }

  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <h1>Hi {user?.username}</h1>
          <p className="muted">Here's how your personas are doing.</p>
        </div>
      </div>

      <QueryView query={personas} loadingLabel="Loading your stats…">
        {() => (
          <div className="stats" role="list" aria-label="Your stats">
            <Stat label="Personas" value={`${mine.length}${more}`} hint={`${published} published`} />
            <Stat label="Downloads" value={formatCount(downloads)} hint="Across all your personas" />
            <Stat label="Average rating" value={formatRating(avgRating)} hint={`${ratingCount} rating${ratingCount === 1 ? "" : "s"}`} />
            <Stat
              label="Available to pay out"
              value={earnings.data ? formatMoney(earnings.data.available, earnings.data.currency) : earnings.isPending ? "…" : "—"}
              hint={
                earnings.data
                  ? earnings.data.pending
                    ? `${formatMoney(earnings.data.pending, earnings.data.currency)} pending · ${formatMoney(earnings.data.lifetime, earnings.data.currency)} lifetime`
                    : `${formatMoney(earnings.data.lifetime, earnings.data.currency)} lifetime`
                  : "Earnings unavailable"
              }
            />
            <Stat label="Library" value={purchases.data ? `${purchases.data.items.length}${purchases.data.next_cursor ? "+" : ""}` : "…"} hint="Personas you own" />
          </div>
        )}
      </QueryView>

      <section className="card" aria-labelledby="quick-heading">
        <h2 id="quick-heading">Quick actions</h2>
        <div className="quick-actions">
          {QUICK_ACTIONS.map(([to, label, kind]) => (
            <Link key={to} className={`btn${kind ? ` btn-${kind}` : ""}`} to={to}>
              {label}
            </Link>
          ))}
        </div>
      </section>

      {attention.length ? (
        <section className="card" aria-labelledby="attention-heading">
          <h2 id="attention-heading">Needs your attention</h2>
          <ul className="plain-list">
            {attention.map((p) => (
              <li key={p.id}>
                <Link to={`/dashboard/personas/${encodeURIComponent(p.id)}/edit`}>{p.name}</Link>
                <PersonaStatus status={p.status} reason={p.rejection_reason} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {mine.length ? (
        <section className="card" aria-labelledby="recent-heading">
          <div className="section-head">
            <h2 id="recent-heading">Your personas</h2>
            <Link to="/dashboard/personas">Manage all</Link>
          </div>
          <ul className="plain-list">
            {[...mine]
              .sort((a, b) => (b.updated_at ?? "").localeCompare(a.updated_at ?? ""))
              .slice(0, 5)
              .map((p) => (
                <li key={p.id} className="overview-row">
                  <Link to={`/dashboard/personas/${encodeURIComponent(p.id)}/edit`}>{p.name}</Link>
                  <span className="muted small">{pluralize(p.downloads, "download")}</span>
                  <PersonaStatus status={p.status} />
                </li>
              ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="card stat" role="listitem">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {hint ? <div className="stat-hint muted">{hint}</div> : null}
    </div>
  );
}

function BuyerOverview({
  username,
  purchases,
  loading,
}: {
  username?: string;
  purchases?: { persona: { id: string; name: string; short_description?: string | null }; acquired_at: string }[];
  loading: boolean;
}) {
  const owned = purchases ?? [];
  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <h1>Hi {username}</h1>
          <p className="muted">Your personas, ready to download and use.</p>
        </div>
      </div>

      <section className="card" aria-labelledby="library-heading">
        <div className="section-head">
          <h2 id="library-heading">Your library</h2>
          {owned.length ? <Link to="/dashboard/purchases">See all</Link> : null}
        </div>
        {loading ? (
          <LoadingState label="Loading your library…" />
        ) : owned.length ? (
          <ul className="plain-list" aria-label="Your library">
            {owned.slice(0, 5).map((p) => (
              <li key={p.persona.id} className="overview-row">
                <Link to={`/marketplace/${encodeURIComponent(p.persona.id)}`}>{p.persona.name}</Link>
                <span className="muted small">{p.persona.short_description}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">
            Nothing here yet. Personas you buy or add for free show up here. <Link to="/marketplace">Browse the marketplace</Link>
          </p>
        )}
      </section>

      <section className="card invite" aria-labelledby="sell-heading">
        <h2 id="sell-heading">Start selling</h2>
        <p>
          Have a voice people would pay for? Upload your prompt, style guide and examples as a persona, set a price, and we
          handle payments and payouts.
        </p>
        <div className="quick-actions">
          <Link className="btn btn-primary" to="/marketplace/submit">
            Create your first persona
          </Link>
          <Link className="btn btn-ghost" to="/dashboard/profile">
            Edit your profile
          </Link>
        </div>
      </section>
    </div>
  );
}
