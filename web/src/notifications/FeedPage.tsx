import { Link } from "react-router";
import { useInfiniteQuery } from "@tanstack/react-query";
import { EmptyState, ErrorState, LoadingState } from "../components/States";
import { formatDate } from "../lib/format";
import { useTitle } from "../lib/useTitle";
import { LoadMore } from "./LoadMore";
import { getFeed, type FeedItem } from "./api";

const VERB: Record<FeedItem["kind"], string> = {
  persona: "published",
  version: "released",
  review: "reviewed",
};

export default function FeedPage() {
  useTitle("Following");
  const query = useInfiniteQuery({
    queryKey: ["feed"],
    queryFn: ({ pageParam }) => getFeed(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  if (query.isPending) return <LoadingState />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const items = query.data.pages.flatMap((p) => p.items);
  const suggestions = query.data.pages[0]?.suggestions ?? [];
  return (
    <div className="stack">
      <h1>Following</h1>
      {items.length === 0 ? (
        <EmptyState title="Your feed is empty">
          Follow creators to see their new personas, versions and reviews here.
          {suggestions.length ? (
            <ul className="suggestions" aria-label="Creators to follow">
              {suggestions.map((c) => (
                <li key={c.user_id}>
                  <Link to={`/creators/${encodeURIComponent(c.username)}`}>{c.username}</Link>
                </li>
              ))}
            </ul>
          ) : null}
        </EmptyState>
      ) : (
        <ul className="feed-list" aria-label="Activity">
          {items.map((i) => (
            <li key={i.id} className="card">
              <Link to={`/creators/${encodeURIComponent(i.actor.username)}`}>{i.actor.username}</Link> {VERB[i.kind]}{" "}
              <Link to={`/marketplace/${i.persona_id}`}>{i.title}</Link>
              {i.body ? <p className="muted">{i.body}</p> : null}
              <small className="muted">{formatDate(i.created_at)}</small>
            </li>
          ))}
        </ul>
      )}
      <LoadMore query={query} />
    </div>
  );
}
