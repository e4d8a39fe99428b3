import { useEffect } from "react";
import { Link } from "react-router";
import { useUnreadCount } from "./useUnread";

/** The header's bell: a live unread count from the notifications stream. */
export function Bell() {
  const unread = useUnreadCount();
  const label = unread ? `Notifications, ${unread} unread` : "Notifications";
  useEffect(() => {
    const base = document.title.replace(/^\(\d+\) /, "");
    document.title = unread ? `(${unread}) ${base}` : base;
  }, [unread]);
  return (
    <Link to="/notifications" className="btn btn-ghost bell" aria-label={label} data-testid="bell">
      <span aria-hidden="true">🔔</span>
      {unread ? (
        <span className="bell-count" data-testid="bell-count" aria-hidden="true">
          {unread > 99 ? "99+" : unread}
        </span>
      ) : null}
    </Link>
  );
}
