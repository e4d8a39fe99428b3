// The notifications service's endpoints (bell, notifications page, feed, preferences), on the
// generated client: paths, queries and answers are checked against `schema.d.ts`. Kept in one
// module so the app's API layer can be swapped without touching the pages.

import { api, data, page, url } from "../api/client";
import type { components } from "../api/schema";
import { tokenStore } from "../api/tokens";

type Schemas = components["schemas"];
export type AppNotification = Schemas["NotificationOut"];
export type NotificationPage = Schemas["NotificationPage"];
export type UnreadCount = Schemas["UnreadCount"];
export type Preference = Schemas["PreferenceOut"];
export type Channel = Preference["channel"];
export type Preferences = Schemas["Preferences"];
export type FeedCreator = Schemas["Creator"];
export type FeedItem = Schemas["FeedItem"];
export type FeedPage = Schemas["FeedPage"];
export type PersonaUpdate = Schemas["PersonaUpdate"];
export type PersonaUpdatePage = Schemas["Page_PersonaUpdate_"];

export function listNotifications(cursor?: string | null): Promise<NotificationPage> {
  return page(api.GET("/api/notifications", { params: { query: { limit: 20, cursor: cursor ?? undefined } } }));
}

export function markRead(id: number): Promise<UnreadCount> {
  return data(api.POST("/api/notifications/{notification_id}/read", { params: { path: { notification_id: id } } }));
}

export function markAllRead(): Promise<UnreadCount> {
  return data(api.POST("/api/notifications/read-all"));
}

export function getPreferences(): Promise<Preferences> {
  return data(api.GET("/api/notifications/preferences"));
}

export function savePreferences(preferences: Record<string, Channel>): Promise<Preferences> {
  return data(api.PUT("/api/notifications/preferences", { body: { preferences } }));
}

export function getFeed(cursor?: string | null): Promise<FeedPage> {
  return page(api.GET("/api/feed", { params: { query: { limit: 20, cursor: cursor ?? undefined } } }));
}

export interface StreamHandlers {
  onUnread: (count: number) => void;
  onNotification?: (n: AppNotification) => void;
}

/**
 * Follow `GET /api/notifications/stream` (server-sent events). fetch rather than EventSource,
 * because the bearer token goes in a header. Reconnects with backoff until `signal` aborts.
 */
export async function followNotifications(handlers: StreamHandlers, signal: AbortSignal): Promise<void> {
  let delay = 1000;
  while (!signal.aborted) {
    try {
      const token = tokenStore.getAccessToken();
      const res = await fetch(url("/api/notifications/stream"), {
        headers: { Accept: "text/event-stream", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        signal,
      });
      if (res.ok && res.body) {
        delay = 1000;
        await readEvents(res.body, handlers);
      }
    } catch {
      if (signal.aborted) return;
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 30000);
  }
}

async function readEvents(body: ReadableStream<Uint8Array>, handlers: StreamHandlers): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      dispatch(block, handlers);
    }
  }
}

export function dispatch(block: string, handlers: StreamHandlers): void {
  let event = "message";
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line.startsWith("event: ")) event = line.slice(7);
    else if (line.startsWith("data: ")) data.push(line.slice(6));
  }
  if (!data.length) return;
  const payload = JSON.parse(data.join("\n")) as unknown;
  if (event === "unread") handlers.onUnread((payload as { unread_count: number }).unread_count);
  else if (event === "notification") handlers.onNotification?.(payload as AppNotification);
}

/** Library personas with a new version not seen yet (one page of up to 100 is plenty). */
export function personaUpdates(): Promise<PersonaUpdatePage> {
  return page(api.GET("/api/notifications/updates", { params: { query: { limit: 100 } } }));
}
