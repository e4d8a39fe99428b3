import { useMemo } from "react";
import { Link, useSearchParams } from "react-router";
import { useInfiniteQuery } from "@tanstack/react-query";
import { listPersonas } from "../../api";
import { qk } from "../../api/queryKeys";
import { FilterBar } from "../../components/FilterBar";
import { PersonaGrid } from "../../components/PersonaCard";
import { EmptyState, ErrorState, LoadingState } from "../../components/States";
import { countActiveFilters, filtersFromSearch } from "../../lib/filters";
import { useCategories, useTags } from "../../lib/useCatalog";
import { useTitle } from "../../lib/useTitle";

const PAGE_SIZE = 24;

export default function MarketplacePage() {
  useTitle("Marketplace");
  const [searchParams, setSearchParams] = useSearchParams();
  const key = searchParams.toString();
  const filters = useMemo(() => filtersFromSearch(new URLSearchParams(key)), [key]);
  const categories = useCategories();
  const tags = useTags();

  const query = useInfiniteQuery({
    queryKey: qk.personas(filters),
    queryFn: ({ pageParam }) => listPersonas(filters, { limit: PAGE_SIZE, cursor: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });

  const personas = query.data?.pages.flatMap((p) => p.items) ?? [];
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
        {query.isPending ? (
          <LoadingState label="Loading personas…" />
        ) : !query.data ? (
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        ) : personas.length === 0 ? (
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
        ) : (
          <>
            <p className="muted results-count" aria-live="polite">
              Showing {personas.length} persona{personas.length === 1 ? "" : "s"}
              {query.hasNextPage ? " — more available" : ""}
            </p>
            <PersonaGrid personas={personas} />
            {query.hasNextPage ? (
              <div className="load-more">
                <button type="button" className="btn" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>
                  {query.isFetchingNextPage ? "Loading…" : "Load more"}
                </button>
              </div>
            ) : null}
            {query.isFetchNextPageError ? <ErrorState title="Couldn't load more" error={query.error} onRetry={() => void query.fetchNextPage()} /> : null}
          </>
        )}
      </section>
    </div>
  );
}
