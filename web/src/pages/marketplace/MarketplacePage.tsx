import { useMemo } from "react";
import { Link, useSearchParams } from "react-router";
import { listPersonas } from "../../api";
import { qk } from "../../api/queryKeys";
import { FilterBar } from "../../components/FilterBar";
import { PersonaGrid } from "../../components/PersonaCard";
import { PagedList } from "../../components/PagedList";
import { EmptyState } from "../../components/States";
import { countActiveFilters, filtersFromSearch } from "../../lib/filters";
import { useCategories, useTags } from "../../lib/useCatalog";
import { usePagedList } from "../../lib/usePagedList";
import { useTitle } from "../../lib/useTitle";

const PAGE_SIZE = 24;

export default function MarketplacePage() {
  useTitle("Marketplace");
  const [searchParams, setSearchParams] = useSearchParams();
  const key = searchParams.toString();
  const filters = useMemo(() => filtersFromSearch(new URLSearchParams(key)), [key]);
  const categories = useCategories();
  const tags = useTags();

  const list = usePagedList(qk.personas(filters), (page) => listPersonas(filters, page), { limit: PAGE_SIZE });
  const { query } = list;
  const filtered = countActiveFilters(filters) > 0 || !!filters.q;

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Marketplace</h1>
          <p className="muted">Find a voice for your next post, script or newsletter.</p>
        </div>
        <Link to="/marketplace/submit" className="btn">
          Sell a persona
        </Link>
      </div>

      <FilterBar categories={categories.data ?? []} tags={tags.data ?? []} />

      <section aria-labelledby="results-heading" className="results">
        <h2 id="results-heading" className="sr-only">
          Results
        </h2>
        <PagedList
          list={list}
          loadingLabel="Loading personas…"
          empty={
            <EmptyState
              title={filtered ? "No personas match your filters" : "No personas yet"}
              action={
                filtered ? (
                  <button type="button" className="btn" onClick={() => setSearchParams(new URLSearchParams())}>
                    Clear all filters
                  </button>
                ) : (
                  <Link className="btn btn-primary" to="/marketplace/submit">
                    Publish the first one
                  </Link>
                )
              }
            >
              {filtered ? "Try fewer filters or a different search." : "Be the first creator to publish a persona."}
            </EmptyState>
          }
        >
          {(personas) => (
            <>
              <p className="muted results-count" aria-live="polite">
                Showing {personas.length} persona{personas.length === 1 ? "" : "s"}
                {query.hasNextPage ? " — more available" : ""}
              </p>
              <PersonaGrid personas={personas} />
            </>
          )}
        </PagedList>
      </section>
    </div>
  );
}
