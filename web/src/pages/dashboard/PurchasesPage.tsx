import { Link } from "react-router";
import { useInfiniteQuery } from "@tanstack/react-query";
import { listMyPurchases, listPaymentHistory } from "../../api";
import { qk } from "../../api/queryKeys";
import { EmptyState, ErrorState, LoadingState } from "../../components/States";
import { formatDate } from "../../lib/format";
import { formatMoney, formatPrice } from "../../lib/money";

const PAYMENT_STATUS: Record<string, string> = {
  pending: "awaiting payment",
  processing: "processing",
  completed: "paid",
  partially_refunded: "partly refunded",
  refunded: "refunded",
  disputed: "disputed",
  charged_back: "charged back",
  failed: "failed",
  expired: "expired",
};

export function paymentStatusLabel(status: string): string {
  return PAYMENT_STATUS[status] ?? status.replace(/_/g, " ");
}
import { usePersonaDownload } from "../../lib/useDownload";
import { useTitle } from "../../lib/useTitle";
import { UpdatedMark } from "../../notifications/UpdatedMark";

export default function PurchasesPage() {
  useTitle("Library");
  return (
    <div className="stack">
      <h1>Library</h1>
      <Library />
      <Receipts />
    </div>
  );
}

function Library() {
  const { download, isBusy } = usePersonaDownload();
  const query = useInfiniteQuery({
    queryKey: qk.myPurchases,
    queryFn: ({ pageParam }) => listMyPurchases({ limit: 50, cursor: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="library-heading" className="stack">
      <h2 id="library-heading">Your personas</h2>
      {query.isPending ? (
        <LoadingState label="Loading your library…" />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState
          title="Your library is empty"
          action={
            <Link to="/marketplace" className="btn btn-primary">
              Browse the marketplace
            </Link>
          }
        >
          Personas you buy or get for free show up here, ready to download again any time.
        </EmptyState>
      ) : (
        <>
          <ul className="row-list" aria-label="Owned personas">
            {items.map(({ persona, acquired_at, price_cents, currency, source }) => (
              <li key={persona.id} className="card row-item">
                <div className="row-main">
                  <h3 className="row-title">
                    <Link to={`/marketplace/${encodeURIComponent(persona.id)}`}>{persona.name}</Link>
                  </h3>
                  <div className="row-meta muted">
                    <span>by {persona.creator?.username ?? "unknown"}</span>
                    <span>{source === "free" || !price_cents ? "Free" : formatPrice(price_cents, currency ?? persona.currency)}</span>
                    <span>Added {formatDate(acquired_at)}</span>
                    {persona.latest_version ? <span>Latest v{persona.latest_version}</span> : null}
                    <UpdatedMark personaId={persona.id} />
                  </div>
                </div>
                <div className="row-actions">
                  <button
                    type="button"
                    className="btn btn-small btn-primary"
                    onClick={() => void download(persona.id, persona.name)}
                    disabled={isBusy(persona.id)}
                    aria-label={`Download ${persona.name}`}
                  >
                    {isBusy(persona.id) ? "Preparing…" : "Download"}
                  </button>
                </div>
              </li>
            ))}
          </ul>
          {query.hasNextPage ? (
            <button type="button" className="btn" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>
              {query.isFetchingNextPage ? "Loading…" : "Load more"}
            </button>
          ) : null}
        </>
      )}
    </section>
  );
}

function Receipts() {
  const query = useInfiniteQuery({
    queryKey: qk.payments,
    queryFn: ({ pageParam }) => listPaymentHistory({ limit: 50, cursor: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="receipts-heading" className="stack">
      <h2 id="receipts-heading">Receipts</h2>
      {query.isPending ? (
        <LoadingState label="Loading payments…" />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : items.length === 0 ? (
        <p className="muted">No payments yet. Free personas don't create receipts.</p>
      ) : (
        <div className="table-wrap">
          <table className="table responsive">
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Persona</th>
                <th scope="col" className="num">
                  Amount
                </th>
                <th scope="col">Status</th>
                <th scope="col">Receipt</th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.id}>
                  <td data-label="Date">{formatDate(p.created_at)}</td>
                  <td data-label="Persona">
                    <Link to={`/marketplace/${encodeURIComponent(p.persona_id)}`}>{p.persona_name || "Persona"}</Link>
                  </td>
                  <td data-label="Amount" className="num">
                    {formatMoney(p.total, p.currency)}
                    {p.tax ? <div className="muted small">incl. {formatMoney(p.tax, p.currency)} tax</div> : null}
                    {p.refunded_amount ? <div className="muted small">{formatMoney(p.refunded_amount, p.currency)} refunded</div> : null}
                  </td>
                  <td data-label="Status">
                    <span className={`badge badge-pay-${p.status}`}>{paymentStatusLabel(p.status)}</span>
                  </td>
                  <td data-label="Receipt">
                    {p.receipt ? (
                      p.receipt.stripe_receipt_url ? (
                        <a href={p.receipt.stripe_receipt_url} target="_blank" rel="noopener noreferrer">
                          Receipt {p.receipt.number}
                        </a>
                      ) : (
                        <span className="small">
                          {p.receipt.number}
                          {p.receipt.payment_method ? <span className="muted"> · {p.receipt.payment_method}</span> : null}
                        </span>
                      )
                    ) : (
                      <span className="muted small">—</span>
                    )}
                  </td>
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
