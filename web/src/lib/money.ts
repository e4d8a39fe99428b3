// Money is integer minor units + ISO currency everywhere. Never do
// arithmetic on floats; only the final display divides.

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(currency: string, locale?: string): Intl.NumberFormat {
  const key = `${locale ?? ""}|${currency}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: "currency", currency: currency.toUpperCase() });
    formatters.set(key, f);
  }
  return f;
}

/** Number of minor-unit digits of a currency (USD 2, JPY 0, BHD 3). */
export function currencyDigits(currency: string): number {
  try {
    return formatter(currency, "en-US").resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** formatMoney(1999, "USD") → "$19.99" (in the user's locale unless given). */
export function formatMoney(cents: number | null | undefined, currency: string | null | undefined, locale?: string): string {
  if (cents === null || cents === undefined || !Number.isFinite(cents)) return "—";
  const cur = (currency || "USD").toUpperCase();
  try {
    const digits = currencyDigits(cur);
    return formatter(cur, locale).format(cents / 10 ** digits);
  } catch {
    // Unknown currency code: still show something sane.
    return `${(cents / 100).toFixed(2)} ${cur}`;
  }
}

/** Price label for a persona: "Free" for zero. */
export function formatPrice(cents: number, currency: string, locale?: string): string {
  return cents === 0 ? "Free" : formatMoney(cents, currency, locale);
}

/**
 * Parse what a person typed ("19.99", "19,99", "$1,234.5", "20") into
 * integer minor units, without floating-point maths. Returns null when
 * it isn't a valid non-negative amount.
 */
export function parseMoneyInput(input: string, currency: string = "USD"): number | null {
  const digits = currencyDigits(currency);
  const s = input.trim().replace(/[\s\u00a0$€£¥]/g, "");
  if (!/^[\d.,]+$/.test(s)) return null;
  let decimalSep: string | null = null;
  const hasDot = s.includes(".");
  const hasComma = s.includes(",");
  if (hasDot && hasComma) {
    decimalSep = s.lastIndexOf(".") > s.lastIndexOf(",") ? "." : ",";
  } else if (hasDot || hasComma) {
    const sep = hasDot ? "." : ",";
    const parts = s.split(sep);
    const last = parts[parts.length - 1];
    // A single "." is a decimal point; a single "," is one too unless it is
    // followed by exactly three digits ("1,234" reads as a thousands group).
    if (parts.length === 2 && (sep === "." || last.length !== 3 || digits === 3)) decimalSep = sep;
  }
  let intPart = s;
  let fracPart = "";
  if (decimalSep) {
    const at = s.lastIndexOf(decimalSep);
    intPart = s.slice(0, at);
    fracPart = s.slice(at + 1);
  }
  const groupSep = decimalSep === "," ? "." : decimalSep === "." ? "," : hasDot ? "." : ",";
  if (intPart.includes(groupSep) && !new RegExp(`^\\d{1,3}(\\${groupSep}\\d{3})+$`).test(intPart)) return null;
  intPart = intPart.split(groupSep).join("");
  if (!/^\d*$/.test(intPart) || !/^\d*$/.test(fracPart)) return null;
  if (intPart === "" && fracPart === "") return null;
  if (fracPart.length > digits) return null;
  const n = Number.parseInt((intPart || "0") + fracPart.padEnd(digits, "0"), 10);
  return Number.isSafeInteger(n) ? n : null;
}

/** Cents → plain editable string without grouping ("19.99", "20.00"). */
export function centsToInput(cents: number, currency: string = "USD"): string {
  const digits = currencyDigits(currency);
  if (digits === 0) return String(cents);
  const neg = cents < 0;
  const abs = Math.abs(Math.trunc(cents));
  const str = String(abs).padStart(digits + 1, "0");
  return `${neg ? "-" : ""}${str.slice(0, -digits)}.${str.slice(-digits)}`;
}

/** The currencies catalog accepts for a price (its `currencies` setting). */
export const CURRENCIES = ["USD", "EUR", "GBP"] as const;
