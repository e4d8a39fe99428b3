import { Link } from "react-router";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { EmptyState, ErrorState, LoadingState } from "../components/States";
import { formatDate } from "../lib/format";
import { useTitle } from "../lib/useTitle";
import { LoadMore } from "./LoadMore";
import { listNotifications, markAllRead, markRead, type AppNotification } from "./api";
import { NOTIFICATIONS_KEY } from "./useUnread";

export default function NotificationsPage() {
  useTitle("Notifications");
  const queryClient = useQueryClient();
  const query = useInfiniteQuery({
    queryKey: NOTIFICATIONS_KEY,
    queryFn: ({ pageParam }) => listNotifications(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: NOTIFICATIONS_KEY });
  const readOne = useMutation({ mutationFn: (id: number) => markRead(id), onSuccess: refresh });
  const readAll = useMutation({ mutationFn: markAllRead, onSuccess: refresh });

  if (query.isPending) return <LoadingState />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const items = query.data.pages.flatMap((p) => p.items);
  const unread = query.data.pages[0]?.unread_count ?? 0;
  return (
    <div className="stack">
      <div className="row between">
        <h1>Notifications</h1>
        <div className="row">
          <Link to="/feed" className="btn btn-ghost">
            Following feed
          </Link>
          <button type="button" className="btn" disabled={!unread || readAll.isPending} onClick={() => readAll.mutate()}>
            Mark all as read
          </button>
        </div>
      </div>
      {items.length === 0 ? (
        <EmptyState title="Nothing yet">Sales, reviews, new versions and followers show up here.</EmptyState>
      ) : (
        <ul className="notification-list" aria-label="Notifications">
          {items.map((n) => (
            <Item key={n.id} n={n} onRead={() => readOne.mutate(n.id)} />
          ))}
        </ul>
      )}
      <LoadMore query={query} />
    </div>
  );
}

function Item({ n, onRead }: { n: AppNotification; onRead: () => void }) {
  const title = n.link ? (
    <Link to={n.link} onClick={n.read ? undefined : onRead}>
      {n.title}
    </Link>
  ) : (
    n.title
  );
  return (
    <li className={`card notification${n.read ? "" : " unread"}`}>
      <div className="row between">
        <strong>{title}</strong>
        {n.read ? null : (
          <button type="button" className="btn btn-ghost" onClick={onRead}>
            Mark as read
          </button>
        )}
      </div>
      {n.body ? <p className="muted">{n.body}</p> : null}
      <small className="muted">{formatDate(n.updated_at)}</small>
    </li>
  );
}
