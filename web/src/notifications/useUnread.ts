import { useEffect, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { followNotifications } from "./api";

export const NOTIFICATIONS_KEY = ["notifications"] as const;

/** The unread count, kept live by the stream; new notifications refresh the lists. */
export function useUnreadCount(): number {
  const [unread, setUnread] = useState(0);
  const queryClient = useQueryClient();
  useEffect(() => {
    const controller = new AbortController();
    void followNotifications(
      {
        onUnread: setUnread,
        onNotification: () => void queryClient.invalidateQueries({ queryKey: NOTIFICATIONS_KEY }),
      },
      controller.signal,
    );
    return () => controller.abort();
  }, [queryClient]);
  return unread;
}
