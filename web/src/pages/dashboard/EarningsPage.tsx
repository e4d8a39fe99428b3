import { useMemo, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import {
  downloadStatement,
  errorMessage,
  getEarnings,
  listEarningTransactions,
  listMyPersonas,
  listPayouts,
  type EarningTransaction,
  type Earnings,
  type Payout,
  type StatementFormat,
} from "../../api";
import { qk } from "../../api/queryKeys";
import { useAuth } from "../../auth/AuthContext";
import { BarChart, netByMonth } from "../../components/BarChart";
import { DataTable, type Column } from "../../components/DataTable";
import { PagedList } from "../../components/PagedList";
import { QueryView } from "../../components/QueryView";
import { EmptyState } from "../../components/States";
import { useToast } from "../../components/Toast";
import { saveBlob } from "../../lib/download";
import { formatDate, formatDateTime } from "../../lib/format";
import { formatMoney } from "../../lib/money";
import { usePagedList } from "../../lib/usePagedList";
import { useTitle } from "../../lib/useTitle";
import { PayoutPanel } from "./PayoutPanel";

export default function EarningsPage() {
  useTitle("Earnings");
  const [currency, setCurrency] = useState<string | undefined>(undefined);
  const earnings = useQuery({ queryKey: [...qk.earnings, currency ?? ""], queryFn: () => getEarnings(currency) });
  const currencies = earnings.data?.currencies ?? [];
  return (
    <div className="stack">
      <div className="page-head">
        <h1>Earnings</h1>
        {currencies.length > 1 ? (
          <div className="field field-inline">
            <label htmlFor="earnings-currency">Currency</label>
            <select id="earnings-currency" value={earnings.data?.currency ?? ""} onChange={(e) => setCurrency(e.target.value)}>
              {currencies.map((c) => (
                <option key={c} value={c}>
                  {c.toUpperCase()}
                </option>
              ))}
            </select>
          </div>
        ) : null}
      </div>
      <QueryView query={earnings} loadingLabel="Loading earnings…">
        {(data) => (
          <>
            <Balances e={data} />
            <section className="card" aria-labelledby="chart-heading">
              <h2 id="chart-heading">Monthly earnings</h2>
              {data.by_month.some((m) => m.gross || m.net) ? (
                <BarChart data={netByMonth(data.by_month)} currency={data.currency} title="Net earnings by month" />
              ) : (
                <p className="muted">Your monthly earnings will appear here after your first sale.</p>
              )}
            </section>
            <PayoutPanel e={data} />
          </>
        )}
      </QueryView>
      <Transactions />
      <PayoutHistory />
      <Statements />
    </div>
  );
}

function Balances({ e }: { e: Earnings }) {
  const pendingHint = e.next_available_at
    ? `Next part available ${formatDate(e.next_available_at)}`
    : e.holding_days
      ? `Available ${e.holding_days} days after each sale`
      : "Still in the holding period";
  const cards: [string, number, string][] = [
    ["Pending", e.pending, pendingHint],
    ["Available", e.available, e.in_flight ? `${formatMoney(e.in_flight, e.currency)} on its way to you` : "Ready to pay out"],
    ["Paid out", e.paid, "Sent to your Stripe account"],
    ["Lifetime", e.lifetime, "Your share of all sales"],
  ];
  return (
    <div className="stats" role="list" aria-label="Balances">
      {cards.map(([label, cents, hint]) => (
        <div key={label} className="card stat" role="listitem">
          <div className="stat-label">{label}</div>
          <div className="stat-value">{formatMoney(cents, e.currency)}</div>
          <div className="stat-hint muted">{hint}</div>
        </div>
      ))}
    </div>
  );
}

function Transactions() {
  const list = usePagedList(qk.earningTransactions, listEarningTransactions);
  // The ledger knows persona ids only; the creator's own list gives the names.
  const mine = useQuery({ queryKey: [...qk.myPersonas, "names"], queryFn: () => listMyPersonas({ limit: 100 }), enabled: list.items.some((t) => t.persona_id) });
  const names = useMemo(() => new Map((mine.data?.items ?? []).map((p) => [p.id, p.name])), [mine.data]);
  const columns: Column<EarningTransaction>[] = [
    { header: "Date", cell: (t) => formatDate(t.created_at) },
    {
      header: "What",
      cell: (t) => (
        <span className={`badge badge-tx-${t.type}`} title={t.reason ?? undefined}>
          {t.description}
        </span>
      ),
    },
    { header: "Persona", cell: (t) => (t.persona_id ? <Link to={`/marketplace/${encodeURIComponent(t.persona_id)}`}>{names.get(t.persona_id) ?? "View persona"}</Link> : "—") },
    { header: "Sale", numeric: true, cell: (t) => (t.gross ? formatMoney(t.gross, t.currency) : "—") },
    { header: "Fee", numeric: true, cell: (t) => (t.fee ? formatMoney(-t.fee, t.currency) : "—") },
    { header: "You earn", numeric: true, className: (t) => (t.amount < 0 ? "negative" : undefined), cell: (t) => formatMoney(t.amount, t.currency) },
    { header: "Available", cell: (t) => (t.type === "sale" && t.available_at ? (t.status === "pending" ? `From ${formatDate(t.available_at)}` : "Available") : "—") },
  ];
  return (
    <section className="card" aria-labelledby="tx-heading">
      <h2 id="tx-heading">Transactions</h2>
      <PagedList list={list} loadingLabel="Loading transactions…" empty={<EmptyState title="No transactions yet">Sales, refunds and payouts will be listed here.</EmptyState>}>
        {(items) => <DataTable rows={items} columns={columns} rowKey={(t) => t.id} />}
      </PagedList>
    </section>
  );
}

const PAYOUT_COLUMNS: Column<Payout>[] = [
  { header: "Requested", cell: (p) => formatDate(p.created_at) },
  { header: "Amount", numeric: true, cell: (p) => formatMoney(p.amount, p.currency) },
  { header: "Status", cell: (p) => <span className={`badge badge-payout-${p.status}`}>{p.status === "requested" ? "on its way" : p.status}</span> },
  { header: "Details", cell: (p) => p.reason ?? (p.settled_at ? `Paid ${formatDateTime(p.settled_at)}` : "—") },
];

function PayoutHistory() {
  const list = usePagedList(qk.payouts, listPayouts);
  return (
    <section className="card" aria-labelledby="payouts-heading">
      <h2 id="payouts-heading">Payout history</h2>
      <PagedList list={list} loadingLabel="Loading payouts…" empty={<p className="muted">No payouts yet.</p>}>
        {(items) => <DataTable rows={items} columns={PAYOUT_COLUMNS} rowKey={(p) => p.id} />}
      </PagedList>
    </section>
  );
}

function Statements() {
  const { user } = useAuth();
  const { notify } = useToast();
  const thisYear = new Date().getFullYear();
  const firstYear = Math.min(thisYear, user?.created_at ? new Date(user.created_at).getFullYear() || thisYear : thisYear);
  const years = Array.from({ length: thisYear - firstYear + 1 }, (_, i) => thisYear - i);
  const [year, setYear] = useState(thisYear);
  const [busy, setBusy] = useState<StatementFormat | null>(null);

  const get = async (format: StatementFormat) => {
    setBusy(format);
    try {
      const res = await downloadStatement(year, format);
      saveBlob(res, `earnings-statement-${year}.${format}`);
    } catch (err) {
      notify(`Couldn't download the statement: ${errorMessage(err)}`, "error");
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="card" aria-labelledby="statements-heading">
      <h2 id="statements-heading">Yearly statements</h2>
      <p className="muted">For your records and taxes: every sale, fee, refund and payout in a year.</p>
      <div className="statement-row">
        <div className="field field-inline">
          <label htmlFor="statement-year">Year</label>
          <select id="statement-year" value={year} onChange={(e) => setYear(Number(e.target.value))}>
            {years.map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </div>
        <button type="button" className="btn" onClick={() => void get("csv")} disabled={busy !== null}>
          {busy === "csv" ? "Preparing…" : "Download CSV"}
        </button>
        <button type="button" className="btn" onClick={() => void get("pdf")} disabled={busy !== null}>
          {busy === "pdf" ? "Preparing…" : "Download PDF"}
        </button>
      </div>
    </section>
  );
}
