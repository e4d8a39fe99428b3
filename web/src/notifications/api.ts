// The notifications service's endpoints (bell, notifications page, feed, preferences).
// Kept in one module so the app's API layer can be swapped without touching the pages.

import { request, url } from "../api/client";
import { tokenStore } from "../api/tokens";

export interface AppNotification {
  id: number;
  category: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  data: Record<string, unknown>;
  count: number;
  read: boolean;
  created_at: string;
  updated_at: string;
}

export interface NotificationPage {
  items: AppNotification[];
  next_cursor: string | null;
  unread_count: number;
}

export type Channel = "in_app" | "email" | "digest" | "off";

export interface Preference {
  category: string;
  label: string;
  channel: Channel;
  transactional: boolean;
  channels: Channel[];
}

export interface FeedCreator {
  user_id: string;
  username: string;
}

export interface FeedItem {
  id: number;
  kind: "persona" | "version" | "review";
  actor: FeedCreator;
  persona_id: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  created_at: string;
}

export interface FeedPage {
  items: FeedItem[];
  next_cursor: string | null;
  suggestions: FeedCreator[];
}

export function listNotifications(cursor?: string | null): Promise<NotificationPage> {
  return request<NotificationPage>("/api/notifications", { query: { limit: 20, cursor: cursor ?? undefined } });
}

export function markRead(id: number): Promise<{ unread_count: number }> {
  return request(`/api/notifications/${id}/read`, { method: "POST" });
}

export function markAllRead(): Promise<{ unread_count: number }> {
  return request("/api/notifications/read-all", { method: "POST" });
}

export function getPreferences(): Promise<{ items: Preference[] }> {
  return request("/api/notifications/preferences");
}

export function savePreferences(preferences: Record<string, Channel>): Promise<{ items: Preference[] }> {
  return request("/api/notifications/preferences", { method: "PUT", body: { preferences } });
}

export function getFeed(cursor?: string | null): Promise<FeedPage> {
  return request<FeedPage>("/api/feed", { query: { limit: 20, cursor: cursor ?? undefined } });
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

export interface PersonaUpdate {
  notification_id: number;
  persona_id: string;
  version: string;
}

/** Library personas with a new version not seen yet (one page of up to 100 is plenty). */
export function personaUpdates(): Promise<{ items: PersonaUpdate[]; next_cursor: string | null }> {
  return request("/api/notifications/updates", { query: { limit: 100 } });
}
