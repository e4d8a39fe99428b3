import { describe, expect, it, vi } from "vitest";
import { dispatch } from "./api";

describe("notification stream parsing", () => {
  it("passes the unread count and new notifications on", () => {
    const onUnread = vi.fn();
    const onNotification = vi.fn();
    dispatch('event: unread\ndata: {"unread_count": 3}', { onUnread, onNotification });
    dispatch('event: notification\ndata: {"id": 7, "title": "You earned $6.99"}', { onUnread, onNotification });
    dispatch(": keepalive", { onUnread, onNotification });
    expect(onUnread).toHaveBeenCalledWith(3);
    expect(onNotification).toHaveBeenCalledWith({ id: 7, title: "You earned $6.99" });
    expect(onUnread).toHaveBeenCalledTimes(1);
  });
});
