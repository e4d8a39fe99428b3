// The creator's analytics: figures over a date range, charts, sources and top personas.
// With a persona id in the route it shows that persona only.

import { useEffect, useState } from "react";
import { Link, useParams } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { browserTimeZone, exportAnalyticsCsv, getOverview, getPersonaAnalytics, type AnalyticsReport, type Granularity } from "../../api/analytics";
import { ErrorState, LoadingState } from "../../components/States";
import { saveBlob } from "../../lib/download";
import { formatMoney } from "../../lib/money";
import { useTitle } from "../../lib/useTitle";
import { ActivityChart, RevenueChart, mainCurrency } from "./AnalyticsCharts";

/** The local calendar day of `d` (the browser's zone, like the figures' days). */
function isoDay(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export default function AnalyticsPage() {
  const { id } = useParams();
  useTitle(id ? "Persona analytics" : "Analytics");
  const today = new Date();
  const [from, setFrom] = useState(isoDay(new Date(today.getTime() - 29 * 86_400_000)));
  const [to, setTo] = useState(isoDay(today));
  const [granularity, setGranularity] = useState<Granularity>("day");
  const tz = browserTimeZone();
  const range = { from, to, granularity, tz };
  const report = useQuery<AnalyticsReport>({
    queryKey: ["analytics", id ?? "overview", from, to, granularity, tz],
    queryFn: () => (id ? getPersonaAnalytics(id, range) : getOverview(range)),
    refetchInterval: 30_000,
  });

  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <h1>{id ? (report.data?.name ?? "Persona analytics") : "Analytics"}</h1>
          <p className="muted">
            {id ? <Link to="/dashboard/analytics">All your personas</Link> : "How your personas do over time."}{" "}
            <span className="small">Days in {report.data?.time_zone ?? tz}.</span>
          </p>
        </div>
        {!id ? (
          <button type="button" className="btn" onClick={() => void exportAnalyticsCsv(range).then((r) => saveBlob(r, `analytics-${from}-${to}.csv`))}>
            Export CSV
          </button>
        ) : null}
      </div>

      <form className="analytics-range" aria-label="Date range" onSubmit={(e) => e.preventDefault()}>
        <label>
          From <input type="date" value={from} max={to} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          To <input type="date" value={to} min={from} onChange={(e) => setTo(e.target.value)} />
        </label>
        <label>
          By{" "}
          <select value={granularity} onChange={(e) => setGranularity(e.target.value as Granularity)}>
            <option value="day">Day</option>
            <option value="week">Week</option>
            <option value="month">Month</option>
          </select>
        </label>
        {report.data ? <UpdatedAgo asOf={report.data.as_of} /> : null}
      </form>

      {report.isPending ? (
        <LoadingState label="Loading your figures…" />
      ) : report.isError ? (
        <ErrorState error={report.error} onRetry={() => void report.refetch()} />
      ) : (
        <Report report={report.data} />
      )}
    </div>
  );
}

function Report({ report }: { report: AnalyticsReport }) {
  const t = report.totals;
  const currency = mainCurrency(report);
  const money = t.revenue.find((r) => r.currency === currency);
  return (
    <>
      <div className="stats" role="list" aria-label="Totals">
        <Stat label="Views" value={String(t.views)} hint={`${t.unique_viewers} unique viewers`} />
        <Stat label="Downloads" value={String(t.downloads)} />
        <Stat label="Purchases" value={String(t.purchases)} hint={`${t.acquisitions} free acquisitions`} />
        <Stat
          label="Revenue"
          value={formatMoney(money?.creator_revenue ?? 0, currency)}
          hint={`${formatMoney(money?.gross ?? 0, currency)} gross · ${t.refunds} refunds`}
        />
        <Stat label="Conversion" value={t.conversion == null ? "—" : `${(t.conversion * 100).toFixed(1)}%`} hint="Acquisitions and purchases per view" />
        <Stat label="Rating" value={t.rating_average == null ? "—" : t.rating_average.toFixed(1)} hint={`${t.rating_count} new reviews`} />
      </div>
      <section className="card" aria-labelledby="activity-heading">
        <h2 id="activity-heading">Activity</h2>
        <ActivityChart report={report} />
      </section>
      <section className="card" aria-labelledby="revenue-heading">
        <h2 id="revenue-heading">Revenue</h2>
        <RevenueChart report={report} />
      </section>
      <section className="card" aria-labelledby="sources-heading">
        <h2 id="sources-heading">Where views come from</h2>
        {report.sources.length ? (
          <ul className="plain-list" aria-label="Sources">
            {report.sources.map((s) => (
              <li key={`${s.source}-${s.referrer_domain}`} className="overview-row">
                <span>{s.referrer_domain || s.source}</span>
                <span className="muted small">{s.views} views</span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">No views in this range yet.</p>
        )}
      </section>
      {report.top_personas ? (
        <section className="card" aria-labelledby="top-heading">
          <h2 id="top-heading">Top personas</h2>
          <ul className="plain-list">
            {report.top_personas.map((p) => (
              <li key={p.persona_id} className="overview-row">
                <Link to={`/dashboard/personas/${encodeURIComponent(p.persona_id)}/analytics`}>{p.name}</Link>
                <span className="muted small">
                  {p.views} views · {p.purchases} sales · {p.acquisitions} free · {p.downloads} downloads
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {report.followers?.length ? (
        <p className="muted">Followers: {report.followers[report.followers.length - 1].total}</p>
      ) : null}
    </>
  );
}

function UpdatedAgo({ asOf }: { asOf: string | null }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  if (!asOf) return <span className="muted small">No activity yet</span>;
  const seconds = Math.max(0, Math.round((now - Date.parse(asOf)) / 1000));
  const label = seconds < 90 ? `${seconds} seconds` : seconds < 5400 ? `${Math.round(seconds / 60)} minutes` : `${Math.round(seconds / 3600)} hours`;
  return <span className="muted small">Updated {label} ago</span>;
}

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="card stat" role="listitem" aria-label={label}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {hint ? <div className="stat-hint muted">{hint}</div> : null}
    </div>
  );
}
