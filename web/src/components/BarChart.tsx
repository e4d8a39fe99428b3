import { useEffect, useRef, useState } from "react";
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
  // The drawing is as wide as its box, so its 12px labels stay 12px on a phone instead of being
  // scaled down with a fixed 640-wide drawing.
  const box = useRef<HTMLElement>(null);
  const [width, setWidth] = useState(640);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setWidth(Math.max(240, Math.round(el.clientWidth) || 640));
    measure();
    if (typeof ResizeObserver === "undefined") return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const height = 220;
  // A phone shows the last 6 months, each wide enough for its label and amount.
  const rows = [...data].sort((a, b) => a.month.localeCompare(b.month)).slice(width < 480 ? -6 : -12);
  const max = Math.max(1, ...rows.map((r) => r.amount));
  const padTop = 24;
  const padBottom = 28;
  const plotH = height - padTop - padBottom;
  const slot = width / Math.max(rows.length, 1);
  const barW = Math.min(48, slot * 0.6);
  // Amounts above the bars only where they fit; every amount is in the bar's tooltip, the
  // chart's accessible name and the table below it anyway.
  const showValues = slot >= 50;
  const narrow = slot < 34; // month initials only
  return (
    <figure className="chart" ref={box}>
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
                {narrow ? formatMonth(r.month, true).slice(0, 1) : formatMonth(r.month, true)}
              </text>
              {r.amount > 0 && showValues ? (
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
