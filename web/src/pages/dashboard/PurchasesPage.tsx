import { Link } from "react-router";
import { listMyPurchases, listPaymentHistory, type Payment } from "../../api";
import { qk } from "../../api/queryKeys";
import { DataTable, type Column } from "../../components/DataTable";
import { PagedList } from "../../components/PagedList";
import { EmptyState } from "../../components/States";
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
import { usePagedList } from "../../lib/usePagedList";
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
  const list = usePagedList(qk.myPurchases, listMyPurchases, { limit: 50 });
  return (
    <section aria-labelledby="library-heading" className="stack">
      <h2 id="library-heading">Your personas</h2>
      <PagedList
        list={list}
        loadingLabel="Loading your library…"
        empty={
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
        }
      >
        {(items) => (
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
        )}
      </PagedList>
    </section>
  );
}

const RECEIPT_COLUMNS: Column<Payment>[] = [
  { header: "Date", cell: (p) => formatDate(p.created_at) },
  { header: "Persona", cell: (p) => <Link to={`/marketplace/${encodeURIComponent(p.persona_id)}`}>{p.persona_name || "Persona"}</Link> },
  {
    header: "Amount",
    numeric: true,
    cell: (p) => (
      <>
        {formatMoney(p.total, p.currency)}
        {p.tax ? <div className="muted small">incl. {formatMoney(p.tax, p.currency)} tax</div> : null}
        {p.refunded_amount ? <div className="muted small">{formatMoney(p.refunded_amount, p.currency)} refunded</div> : null}
      </>
    ),
  },
  { header: "Status", cell: (p) => <span className={`badge badge-pay-${p.status}`}>{paymentStatusLabel(p.status)}</span> },
  { header: "Receipt", cell: (p) => <ReceiptLink receipt={p.receipt} /> },
];

function ReceiptLink({ receipt }: { receipt: Payment["receipt"] }) {
  if (!receipt) return <span className="muted small">—</span>;
  if (receipt.stripe_receipt_url) {
    return (
      <a href={receipt.stripe_receipt_url} target="_blank" rel="noopener noreferrer">
        Receipt {receipt.number}
      </a>
    );
  }
  return (
    <span className="small">
      {receipt.number}
      {receipt.payment_method ? <span className="muted"> · {receipt.payment_method}</span> : null}
    </span>
  );
}

function Receipts() {
  const list = usePagedList(qk.payments, listPaymentHistory, { limit: 50 });
  return (
    <section aria-labelledby="receipts-heading" className="stack">
      <h2 id="receipts-heading">Receipts</h2>
      <PagedList list={list} loadingLabel="Loading payments…" empty={<p className="muted">No payments yet. Free personas don't create receipts.</p>}>
        {(items) => <DataTable rows={items} columns={RECEIPT_COLUMNS} rowKey={(p) => p.id} />}
      </PagedList>
    </section>
  );
}
