import type { PersonaFilters, PersonaSort, PriceFilter } from "../api/types";

const SORTS: PersonaSort[] = ["downloads", "rating", "newest", "price", "price_desc", "trending", "relevance"];
const PRICES: PriceFilter[] = ["free", "paid"];

function num(v: string | null): number | undefined {
  if (v === null || v.trim() === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function date(v: string | null): string | undefined {
  return v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined;
}

/** Marketplace URL query → filters (unknown or invalid values are dropped). */
export function filtersFromSearch(sp: URLSearchParams): PersonaFilters {
  const sort = sp.get("sort") as PersonaSort | null;
  const price = sp.get("price") as PriceFilter | null;
  const categories = sp.getAll("category").filter(Boolean);
  const f: PersonaFilters = {
    q: sp.get("q") || undefined,
    category: categories.length ? [...new Set(categories)] : undefined,
    tag: sp.get("tag") || undefined,
    min_rating: num(sp.get("min_rating")),
    min_downloads: num(sp.get("min_downloads")),
    max_downloads: num(sp.get("max_downloads")),
    created_after: date(sp.get("created_after")),
    created_before: date(sp.get("created_before")),
    price: price && PRICES.includes(price) ? price : undefined,
    creator: sp.get("creator") || undefined,
    sort: sort && SORTS.includes(sort) ? sort : undefined,
  };
  for (const k of Object.keys(f) as (keyof PersonaFilters)[]) if (f[k] === undefined) delete f[k];
  return f;
}

/** Filters → URL query, in a stable order; empty values are left out. */
export function filtersToSearch(f: PersonaFilters): URLSearchParams {
  const sp = new URLSearchParams();
  if (f.q?.trim()) sp.set("q", f.q.trim());
  for (const c of f.category ?? []) sp.append("category", c);
  if (f.tag?.trim()) sp.set("tag", f.tag.trim());
  if (f.min_rating !== undefined) sp.set("min_rating", String(f.min_rating));
  if (f.min_downloads !== undefined) sp.set("min_downloads", String(f.min_downloads));
  if (f.max_downloads !== undefined) sp.set("max_downloads", String(f.max_downloads));
  if (f.created_after) sp.set("created_after", f.created_after);
  if (f.created_before) sp.set("created_before", f.created_before);
  if (f.price) sp.set("price", f.price);
  if (f.creator) sp.set("creator", f.creator);
  if (f.sort) sp.set("sort", f.sort);
  return sp;
}

export function countActiveFilters(f: PersonaFilters): number {
  let n = 0;
  if (f.category?.length) n += f.category.length;
  for (const k of ["tag", "min_rating", "min_downloads", "max_downloads", "created_after", "created_before", "price", "creator"] as const) {
    if (f[k] !== undefined && f[k] !== "") n += 1;
  }
  return n;
}
