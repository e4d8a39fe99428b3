import { formatMoney } from "../lib/money";
import { formatMonth } from "../lib/format";
import type { MonthEarnings } from "../api";

export interface ChartPoint {
  /** "YYYY-MM" */
  month: string;
  amount: number;
}

/** A month's net earnings (after fees and refunds) as a chart point. */
export function netByMonth(months: MonthEarnings[]): ChartPoint[] {
  return months.map((m) => ({ month: m.month, amount: m.net }));
}

/** Monthly amounts (minor units) as a plain SVG bar chart, labelled for screen readers. */
export function BarChart({ data, currency, title = "Earnings by month" }: { data: ChartPoint[]; currency: string; title?: string }) {
  const rows = [...data].sort((a, b) => a.month.localeCompare(b.month)).slice(-12);
  const max = Math.max(1, ...rows.map((r) => r.amount));
  const width = 640;
  const height = 220;
  const padTop = 24;
  const padBottom = 28;
  const plotH = height - padTop - padBottom;
  const slot = width / Math.max(rows.length, 1);
  const barW = Math.min(48, slot * 0.6);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${title}: ${rows.map((r) => `${formatMonth(r.month)} ${formatMoney(r.amount, currency)}`).join(", ")}`}>
        <line x1="0" x2={width} y1={height - padBottom} y2={height - padBottom} className="chart-axis" />
        {rows.map((r, i) => {
          const h = Math.round((r.amount / max) * plotH);
          const x = i * slot + (slot - barW) / 2;
          const y = height - padBottom - h;
          return (
            <g key={r.month}>
              <rect x={x} y={y} width={barW} height={Math.max(h, r.amount > 0 ? 2 : 0)} rx="4" className="chart-bar">
                <title>{`${formatMonth(r.month)}: ${formatMoney(r.amount, currency)}`}</title>
              </rect>
              <text x={x + barW / 2} y={height - 8} textAnchor="middle" className="chart-label">
                {formatMonth(r.month, true)}
              </text>
              {r.amount > 0 ? (
                <text x={x + barW / 2} y={y - 6} textAnchor="middle" className="chart-value">
                  {formatMoney(r.amount, currency).replace(/\.00$/, "")}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption className="sr-only">{title}</figcaption>
    </figure>
  );
}
