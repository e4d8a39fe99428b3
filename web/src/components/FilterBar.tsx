import { useEffect, useId, useState, type FormEvent } from "react";
import { useSearchParams } from "react-router";
import type { Category, PersonaFilters, PersonaSort, Tag } from "../api";
import { countActiveFilters, filtersFromSearch, filtersToSearch } from "../lib/filters";
import { TextField } from "./Field";

interface Props {
  categories: Category[];
  tags?: Tag[];
}

interface Draft {
  q: string;
  tag: string;
  min_downloads: string;
  max_downloads: string;
}

function draftFrom(f: PersonaFilters): Draft {
  return {
    q: f.q ?? "",
    tag: f.tag ?? "",
    min_downloads: f.min_downloads?.toString() ?? "",
    max_downloads: f.max_downloads?.toString() ?? "",
  };
}

function toNumber(s: string): number | undefined {
  if (s.trim() === "") return undefined;
  const n = Number(s);
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : undefined;
}

// "Best match" (no sort) ranks by relevance with a search and by downloads
// without. "trending" is left out until analytics gives it its own signal
// (catalog sorts it by downloads for now).
const SORT_LABELS: Partial<Record<PersonaSort, string>> = {
  downloads: "Most downloaded",
  rating: "Highest rated",
  newest: "Newest",
  price: "Price: low to high",
  price_desc: "Price: high to low",
};

/**
 * Marketplace search and filters. The URL query string is the single source
 * of truth: every change is written there (shareable, back-button friendly).
 */
export function FilterBar({ categories, tags = [] }: Props) {
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = filtersFromSearch(searchParams);
  const [draft, setDraft] = useState<Draft>(() => draftFrom(filters));
  const [showMore, setShowMore] = useState(() => countActiveFilters(filters) - (filters.category?.length ?? 0) > 0);
  const tagListId = useId();
  const key = searchParams.toString();

  // Keep the text inputs in sync when the URL changes (back button, links).
  useEffect(() => {
    setDraft(draftFrom(filtersFromSearch(new URLSearchParams(key))));
  }, [key]);

  const apply = (next: PersonaFilters) => {
    setSearchParams(filtersToSearch(next), { replace: false });
  };

  /** Current filters with the typed-in (not yet applied) text values. */
  const withDraft = (base: PersonaFilters = filters): PersonaFilters => ({
    ...base,
    q: draft.q.trim() || undefined,
    tag: draft.tag.trim() || undefined,
    min_downloads: toNumber(draft.min_downloads),
    max_downloads: toNumber(draft.max_downloads),
  });

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    apply(withDraft());
  };

  const commitText = () => {
    const next = withDraft();
    if (filtersToSearch(next).toString() !== key) apply(next);
  };

  const toggleCategory = (slug: string) => {
    const current = filters.category ?? [];
    const next = current.includes(slug) ? current.filter((c) => c !== slug) : [...current, slug];
    apply({ ...withDraft(), category: next.length ? next : undefined });
  };

  const set = <K extends keyof PersonaFilters>(k: K, v: PersonaFilters[K]) => apply({ ...withDraft(), [k]: v });

  const active = countActiveFilters(filters);

  return (
    <form className="filter-bar" role="search" aria-label="Marketplace filters" onSubmit={onSubmit}>
      <div className="search-row">
        <label htmlFor="marketplace-q" className="sr-only">
          Search personas
        </label>
        <input
          id="marketplace-q"
          type="search"
          placeholder="Search personas, styles, creators…"
          value={draft.q}
          onChange={(e) => setDraft({ ...draft, q: e.target.value })}
        />
        <button type="submit" className="btn btn-primary">
          Search
        </button>
      </div>

      {categories.length ? (
        <fieldset className="chips-fieldset">
          <legend className="sr-only">Categories</legend>
          <div className="chips" role="group" aria-label="Categories">
            {categories.map((c) => {
              const on = filters.category?.includes(c.slug) ?? false;
              return (
                <button key={c.slug} type="button" className={`chip${on ? " chip-on" : ""}`} aria-pressed={on} onClick={() => toggleCategory(c.slug)}>
                  {c.name}
                </button>
              );
            })}
          </div>
        </fieldset>
      ) : null}

      <div className="filter-row">
        <div className="field field-inline">
          <label htmlFor="marketplace-sort">Sort by</label>
          <select id="marketplace-sort" value={filters.sort ?? ""} onChange={(e) => set("sort", (e.target.value || undefined) as PersonaSort | undefined)}>
            <option value="">Best match</option>
            {(Object.keys(SORT_LABELS) as PersonaSort[]).map((s) => (
              <option key={s} value={s}>
                {SORT_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor="marketplace-price">Price</label>
          <select
            id="marketplace-price"
            value={filters.price ?? ""}
            onChange={(e) => set("price", (e.target.value || undefined) as PersonaFilters["price"])}
          >
            <option value="">Any price</option>
            <option value="free">Free</option>
            <option value="paid">Paid</option>
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor="marketplace-rating">Minimum rating</label>
          <select
            id="marketplace-rating"
            value={filters.min_rating?.toString() ?? ""}
            onChange={(e) => set("min_rating", e.target.value ? Number(e.target.value) : undefined)}
          >
            <option value="">Any rating</option>
            <option value="4.5">4.5 ★ and up</option>
            <option value="4">4 ★ and up</option>
            <option value="3">3 ★ and up</option>
            <option value="2">2 ★ and up</option>
          </select>
        </div>
        <button type="button" className="btn btn-ghost" aria-expanded={showMore} aria-controls="more-filters" onClick={() => setShowMore((s) => !s)}>
          {showMore ? "Fewer filters" : "More filters"}
        </button>
        {active > 0 || filters.q ? (
          <button
            type="button"
            className="btn btn-ghost"
            onClick={() => {
              setDraft(draftFrom({}));
              apply({ sort: filters.sort });
            }}
          >
            Clear filters{active ? ` (${active})` : ""}
          </button>
        ) : null}
      </div>

      <div id="more-filters" className="more-filters" hidden={!showMore}>
        <div className="field">
          <label htmlFor="marketplace-tag">Tag</label>
          <input
            id="marketplace-tag"
            list={tagListId}
            value={draft.tag}
            placeholder="e.g. friendly"
            onChange={(e) => setDraft({ ...draft, tag: e.target.value })}
            onBlur={commitText}
          />
          <datalist id={tagListId}>
            {tags.map((t) => (
              <option key={t.name} value={t.name} />
            ))}
          </datalist>
        </div>
        <TextField id="marketplace-min-downloads" label="Min downloads" type="number" min={0} inputMode="numeric" value={draft.min_downloads} onChange={(e) => setDraft({ ...draft, min_downloads: e.target.value })} onBlur={commitText} />
        <TextField id="marketplace-max-downloads" label="Max downloads" type="number" min={0} inputMode="numeric" value={draft.max_downloads} onChange={(e) => setDraft({ ...draft, max_downloads: e.target.value })} onBlur={commitText} />
        <TextField id="marketplace-created-after" label="Created after" type="date" value={filters.created_after ?? ""} onChange={(e) => set("created_after", e.target.value || undefined)} />
        <TextField id="marketplace-created-before" label="Created before" type="date" value={filters.created_before ?? ""} onChange={(e) => set("created_before", e.target.value || undefined)} />
        <div className="more-filters-apply">
          <button type="submit" className="btn">
            Apply filters
          </button>
        </div>
      </div>
    </form>
  );
}
