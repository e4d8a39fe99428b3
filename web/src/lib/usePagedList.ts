import { useMemo } from "react";
import { useInfiniteQuery, type QueryKey } from "@tanstack/react-query";
import type { ListParams, Page } from "../api";

export interface PagedListOptions {
  /** Items per request. */
  limit?: number;
  enabled?: boolean;
}

/**
 * A cursor-paged list (`{items, next_cursor}`): the pages loaded so far as one
 * array, plus the infinite query for its states and "Load more".
 */
export function usePagedList<T>(queryKey: QueryKey, fetchPage: (params: ListParams) => Promise<Page<T>>, { limit = 25, enabled }: PagedListOptions = {}) {
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage({ limit, cursor: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    enabled,
  });
  const items = useMemo(() => query.data?.pages.flatMap((p) => p.items) ?? [], [query.data]);
  return { query, items };
}

export type PagedList<T> = ReturnType<typeof usePagedList<T>>;
