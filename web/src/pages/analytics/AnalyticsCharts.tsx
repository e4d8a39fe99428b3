// Charts of a creator's (or one persona's) figures over time, drawn with Recharts.

import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { AnalyticsReport } from "../../api/analytics";
import { formatMoney } from "../../lib/money";

const COLORS = { views: "#6366f1", downloads: "#0ea5e9", purchases: "#16a34a", acquisitions: "#f59e0b", revenue: "#16a34a" };

export function ActivityChart({ report }: { report: AnalyticsReport }) {
  const data = report.series.map((s) => ({
    period: s.period,
    Views: s.views,
    Downloads: s.downloads,
    Purchases: s.purchases,
    "Free acquisitions": s.acquisitions,
  }));
  return (
    <figure className="chart" aria-label="Views, downloads and purchases over time">
      <ResponsiveContainer width="100%" height={260}>
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="period" fontSize={12} />
          <YAxis allowDecimals={false} fontSize={12} />
          <Tooltip />
          <Legend />
          <Line type="monotone" dataKey="Views" stroke={COLORS.views} dot={false} isAnimationActive={false} />
          <Line type="monotone" dataKey="Downloads" stroke={COLORS.downloads} dot={false} isAnimationActive={false} />
          <Line type="monotone" dataKey="Purchases" stroke={COLORS.purchases} dot={false} isAnimationActive={false} />
          <Line type="monotone" dataKey="Free acquisitions" stroke={COLORS.acquisitions} dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

/** Creator revenue per period, in the report's main currency (the one with the most revenue). */
export function RevenueChart({ report }: { report: AnalyticsReport }) {
  const currency = mainCurrency(report);
  const data = report.series.map((s) => {
    const m = s.revenue.find((r) => r.currency === currency);
    return { period: s.period, revenue: m ? (m.creator_revenue - m.refunded_creator) / 100 : 0 };
  });
  return (
    <figure className="chart" aria-label={`Your revenue over time (${currency.toUpperCase()})`}>
      <ResponsiveContainer width="100%" height={220}>
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="period" fontSize={12} />
          <YAxis fontSize={12} />
          <Tooltip formatter={(v) => formatMoney(Math.round(Number(v) * 100), currency)} />
          <Bar dataKey="revenue" name="Your revenue (after refunds)" fill={COLORS.revenue} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}

export function mainCurrency(report: AnalyticsReport): string {
  const sorted = [...report.totals.revenue].sort((a, b) => b.gross - a.gross);
  return sorted[0]?.currency ?? "usd";
}
