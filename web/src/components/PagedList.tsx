import type { ReactNode } from "react";
import type { PagedList as PagedListState } from "../lib/usePagedList";
import { ErrorState, LoadingState } from "./States";

interface Props<T> {
  list: PagedListState<T>;
  loadingLabel?: string;
  /** The "Load more" button's label. */
  moreLabel?: string;
  /** What to show when the list has no items. */
  empty: ReactNode;
  /** The loaded items (never empty). */
  children: (items: T[]) => ReactNode;
}

/** Loading, error and empty states of a paged list, its items, and "Load more" while there are more. */
export function PagedList<T>({ list: { query, items }, loadingLabel, moreLabel = "Load more", empty, children }: Props<T>) {
  if (query.isPending) return <LoadingState label={loadingLabel} />;
  if (!query.data) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (items.length === 0) return <>{empty}</>;
  return (
    <>
      {children(items)}
      {query.hasNextPage ? (
        <div className="load-more">
          <button type="button" className="btn" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>
            {query.isFetchingNextPage ? "Loading…" : moreLabel}
          </button>
        </div>
      ) : null}
      {query.isFetchNextPageError ? <ErrorState title="Couldn't load more" error={query.error} onRetry={() => void query.fetchNextPage()} /> : null}
    </>
  );
}
