import { useState, type FormEvent } from "react";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  downloadStatement,
  errorMessage,
  getEarnings,
  listEarningTransactions,
  listPayouts,
  requestPayout,
  startOnboarding,
  type Earnings,
  type StatementFormat,
} from "../../api";
import { qk } from "../../api/queryKeys";
import { useAuth } from "../../auth/AuthContext";
import { BarChart } from "../../components/BarChart";
import { TextField } from "../../components/Field";
import { Alert, EmptyState, ErrorState, FormError, LoadingState } from "../../components/States";
import { useToast } from "../../components/Toast";
import { saveBlob } from "../../lib/download";
import { formatDate } from "../../lib/format";
import { fieldErrorsOf, formLevelError } from "../../lib/forms";
import { centsToInput, formatMoney, parseMoneyInput } from "../../lib/money";
import { useTitle } from "../../lib/useTitle";
import { browser } from "../../lib/browser";

/** The design's default minimum payout (25.00 USD) when the API doesn't say. */
export const DEFAULT_MINIMUM_PAYOUT_CENTS = 2500;

export default function EarningsPage() {
  useTitle("Earnings");
  const earnings = useQuery({ queryKey: qk.earnings, queryFn: getEarnings });
  return (
    <div className="stack">
      <h1>Earnings</h1>
      {earnings.isPending ? (
        <LoadingState label="Loading earnings…" />
      ) : earnings.isError ? (
        <ErrorState error={earnings.error} onRetry={() => void earnings.refetch()} />
      ) : (
        <>
          <Balances e={earnings.data} />
          <section className="card" aria-labelledby="chart-heading">
            <h2 id="chart-heading">Monthly earnings</h2>
            {earnings.data.by_month.length ? (
              <BarChart data={earnings.data.by_month} currency={earnings.data.currency} />
            ) : (
              <p className="muted">Your monthly earnings will appear here after your first sale.</p>
            )}
          </section>
          <PayoutPanel e={earnings.data} />
        </>
      )}
      <Transactions />
      <PayoutHistory />
      <Statements />
    </div>
  );
}

function Balances({ e }: { e: Earnings }) {
  const cards: [string, number, string][] = [
    ["Pending", e.pending_cents, e.holding_days ? `Available ${e.holding_days} days after each sale` : "Still in the holding period"],
    ["Available", e.available_cents, "Ready to pay out"],
    ["Paid out", e.paid_cents, "Sent to your bank"],
    ["Lifetime", e.lifetime_cents, "Your share of all sales"],
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

function PayoutPanel({ e }: { e: Earnings }) {
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const { user } = useAuth();
  const minimum = e.minimum_payout_cents ?? DEFAULT_MINIMUM_PAYOUT_CENTS;
  const [amount, setAmount] = useState("");
  const [localError, setLocalError] = useState<string | undefined>();
  const needsOnboarding = e.payouts_enabled === false || e.payout_blockers.some((b) => /onboard|connect|account/i.test(b.code));
  const belowMinimum = e.available_cents < minimum;

  const onboarding = useMutation({
    mutationFn: startOnboarding,
    onSuccess: (link) => browser.assign(link.url),
    onError: (err) => notify(errorMessage(err), "error"),
  });

  const payout = useMutation({
    mutationFn: (cents: number | undefined) => requestPayout(cents),
    onSuccess: (p) => {
      notify(`Payout of ${formatMoney(p?.amount_cents ?? 0, p?.currency ?? e.currency)} requested.`);
      setAmount("");
      void queryClient.invalidateQueries({ queryKey: qk.earnings });
      void queryClient.invalidateQueries({ queryKey: qk.payouts });
      void queryClient.invalidateQueries({ queryKey: qk.earningTransactions });
    },
  });

  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    let cents: number | undefined;
    if (amount.trim()) {
      const parsed = parseMoneyInput(amount, e.currency);
      if (parsed === null) return setLocalError("Enter an amount like 40.00.");
      if (parsed < minimum) return setLocalError(`The minimum payout is ${formatMoney(minimum, e.currency)}.`);
      if (parsed > e.available_cents) return setLocalError(`You can pay out at most ${formatMoney(e.available_cents, e.currency)}.`);
      cents = parsed;
    }
    setLocalError(undefined);
    payout.mutate(cents);
  };

  const fe = fieldErrorsOf(payout.error);
  const blocked = e.payout_blockers.length > 0 || belowMinimum;
  return (
    <section className="card" aria-labelledby="payout-heading">
      <h2 id="payout-heading">Get paid</h2>
      <p className="muted">
        Payouts go to your bank through Stripe. The minimum payout is <strong>{formatMoney(minimum, e.currency)}</strong>
        {e.holding_days ? `, and earnings become available ${e.holding_days} days after each sale so refunds can be handled` : ""}.
      </p>
      {e.payout_blockers.length ? (
        <div className="alert alert-warning" role="status">
          <strong>You can't request a payout yet:</strong>
          <ul>
            {e.payout_blockers.map((b) => (
              <li key={b.code || b.message}>{b.message}</li>
            ))}
          </ul>
        </div>
      ) : belowMinimum ? (
        <Alert>
          You have {formatMoney(e.available_cents, e.currency)} available. You can request a payout once it reaches {formatMoney(minimum, e.currency)}.
        </Alert>
      ) : null}
      {!user?.email_verified ? <Alert kind="warning">Verify your e-mail address to receive payouts.</Alert> : null}
      <div className="payout-actions">
        <button type="button" className={`btn ${needsOnboarding ? "btn-primary" : ""}`} onClick={() => onboarding.mutate()} disabled={onboarding.isPending}>
          {onboarding.isPending ? "Opening Stripe…" : needsOnboarding ? "Set up payouts with Stripe" : "Manage Stripe payout account"}
        </button>
      </div>
      <form className="payout-form" onSubmit={submit} noValidate>
        <FormError error={formLevelError(payout.error, ["amount"])} />
        <TextField
          label="Payout amount"
          inputMode="decimal"
          placeholder={centsToInput(e.available_cents, e.currency)}
          value={amount}
          onChange={(ev) => setAmount(ev.target.value)}
          error={localError ?? fe.amount}
          hint={`Leave empty to pay out everything available (${formatMoney(e.available_cents, e.currency)}).`}
          disabled={blocked}
        />
        <button type="submit" className="btn btn-primary" disabled={blocked || payout.isPending}>
          {payout.isPending ? "Requesting…" : "Request payout"}
        </button>
      </form>
    </section>
  );
}

function Transactions() {
  const query = useInfiniteQuery({
    queryKey: qk.earningTransactions,
    queryFn: ({ pageParam }) => listEarningTransactions({ limit: 25, cursor: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="card" aria-labelledby="tx-heading">
      <h2 id="tx-heading">Transactions</h2>
      {query.isPending ? (
        <LoadingState label="Loading transactions…" />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title="No transactions yet">Sales, refunds and payouts will be listed here.</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Type</th>
                <th scope="col">Persona</th>
                <th scope="col" className="num">
                  Sale
                </th>
                <th scope="col" className="num">
                  Fee
                </th>
                <th scope="col" className="num">
                  You earn
                </th>
                <th scope="col">Available</th>
              </tr>
            </thead>
            <tbody>
              {items.map((t) => (
                <tr key={t.id}>
                  <td>{formatDate(t.created_at)}</td>
                  <td>
                    <span className={`badge badge-tx-${t.type}`}>{t.type}</span>
                  </td>
                  <td>{t.persona_name ?? "—"}</td>
                  <td className="num">{t.gross_cents != null ? formatMoney(t.gross_cents, t.currency) : "—"}</td>
                  <td className="num">{t.fee_cents != null ? formatMoney(t.fee_cents, t.currency) : "—"}</td>
                  <td className={`num ${t.amount_cents < 0 ? "negative" : ""}`}>{formatMoney(t.amount_cents, t.currency)}</td>
                  <td>{t.available_at ? formatDate(t.available_at) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {query.hasNextPage ? (
            <button type="button" className="btn" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>
              Load more
            </button>
          ) : null}
        </div>
      )}
    </section>
  );
}

function PayoutHistory() {
  const query = useInfiniteQuery({
    queryKey: qk.payouts,
    queryFn: ({ pageParam }) => listPayouts({ limit: 25, cursor: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="card" aria-labelledby="payouts-heading">
      <h2 id="payouts-heading">Payout history</h2>
      {query.isPending ? (
        <LoadingState label="Loading payouts…" />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : items.length === 0 ? (
        <p className="muted">No payouts yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Requested</th>
                <th scope="col" className="num">
                  Amount
                </th>
                <th scope="col">Status</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.id}>
                  <td>{formatDate(p.created_at)}</td>
                  <td className="num">{formatMoney(p.amount_cents, p.currency)}</td>
                  <td>
                    <span className={`badge badge-payout-${p.status}`}>{p.status.replace(/_/g, " ")}</span>
                  </td>
                  <td>{p.reason ?? (p.paid_at ? `Paid ${formatDate(p.paid_at)}` : "—")}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {query.hasNextPage ? (
            <button type="button" className="btn" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>
              Load more
            </button>
          ) : null}
        </div>
      )}
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
