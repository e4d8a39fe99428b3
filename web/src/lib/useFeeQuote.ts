import { useEffect, useState } from "react";
import { getFeeQuote, type FeeQuote } from "../api/admin";

/** What the creator earns at this price, from billing's own fee rule (`GET
 * /api/payments/fee-quote`): asked a moment after the typing stops, never computed here, so
 * the page and every sale agree. `null` while unknown (no price, or the quote failed). */
export function useFeeQuote(priceCents: number | null, currency: string, delayMs = 250): FeeQuote | null {
  const [quote, setQuote] = useState<FeeQuote | null>(null);
  useEffect(() => {
    if (priceCents === null || priceCents <= 0) {
      setQuote(null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      getFeeQuote(priceCents, currency.toLowerCase()).then(
        (q) => {
          if (live) setQuote(q);
        },
        () => {
          if (live) setQuote(null);
        },
      );
    }, delayMs);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [priceCents, currency, delayMs]);
  // A quote for another price is never shown.
  return quote && quote.amount === priceCents && quote.currency === currency.toLowerCase() ? quote : null;
}
