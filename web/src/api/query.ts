export type QueryValue = string | number | boolean | null | undefined;
export type QueryInit = Record<string, QueryValue | readonly QueryValue[]>;

/**
 * Builds a query string ("?a=1&b=2", or "" when empty). Skips undefined,
 * null and empty strings; repeats the key for arrays (category=a&category=b).
 */
export function buildQuery(params: QueryInit | undefined): string {
  if (!params) return "";
  const sp = new URLSearchParams();
  for (const [key, raw] of Object.entries(params)) {
    const values = Array.isArray(raw) ? raw : [raw];
    for (const v of values as QueryValue[]) {
      if (v === undefined || v === null) continue;
      if (typeof v === "number" && !Number.isFinite(v)) continue;
      const s = String(v);
      if (s === "") continue;
      sp.append(key, s);
    }
  }
  const qs = sp.toString();
  return qs ? `?${qs}` : "";
}
