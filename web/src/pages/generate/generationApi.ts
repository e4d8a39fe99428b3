// Calls of the /generate page. JSON calls go through the app's one HTTP layer; the
// streamed ones (server-sent events over POST) read the body as it arrives.

import { api, blob, page, refreshSession, url, problemToError, type BlobResult } from "../../api/client";
import { tokenStore } from "../../api/tokens";

export interface ParamSpec {
  type: "string" | "number" | "integer" | "boolean";
  title?: string;
  description?: string;
  maxLength?: number;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  default?: unknown;
}

export interface Template {
  id: string;
  name: string;
  description: string;
  version: number;
  builtin: boolean;
  params_schema: { properties: Record<string, ParamSpec>; required?: string[] };
}

export interface Provider {
  name: string;
  label: string;
  models: string[];
  default_model: string;
}

export interface Generation {
  id: string;
  persona_id: string;
  persona_name: string;
  template_id: string;
  template_name: string;
  params: Record<string, unknown>;
  output: string;
  status: string;
  error: string | null;
  created_at: string;
  rerun_of: string | null;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export type StreamEvent =
  | { event: "start"; data: { id: string; model: string } }
  | { event: "token"; data: { text: string } }
  | { event: "error"; data: { code: string; message: string } }
  | { event: "done"; data: { id: string; status: string; error: string | null } };

// The page's own view types stay until its screens are moved onto the generated ones.
export const listTemplates = async () => (await page(api.GET("/api/templates", { params: { query: { limit: 100 } } }))) as unknown as Page<Template>;
export const listProviders = async () => (await page(api.GET("/api/providers") as Promise<{ data?: Page<Provider>; response: Response }>));
export const listHistory = async () => (await page(api.GET("/api/generations", { params: { query: { limit: 20 } } }))) as unknown as Page<Generation>;

export function exportHistory(format: "json" | "csv" | "md"): Promise<BlobResult> {
  return blob(api.GET("/api/generations/export", { params: { query: { format } }, parseAs: "blob" }));
}

async function post(path: string, body: unknown, signal: AbortSignal): Promise<Response> {
  const send = () =>
    fetch(url(path), {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "text/event-stream",
        Authorization: `Bearer ${tokenStore.getAccessToken() ?? ""}`,
      },
      body: JSON.stringify(body),
      signal,
    });
  let res = await send();
  if (res.status === 401 && (await refreshSession())) res = await send();
  if (!res.ok) {
    const text = await res.text().catch(() => "");
    throw problemToError(res.status, res.headers.get("Content-Type"), text, res.headers.get("Retry-After"));
  }
  return res;
}

/** POST and hand each server-sent event to `onEvent` as it arrives; aborting `signal` is Stop. */
export async function streamGeneration(
  path: string,
  body: unknown,
  signal: AbortSignal,
  onEvent: (e: StreamEvent) => void,
): Promise<void> {
  const res = await post(path, body, signal);
  if (!res.body) return;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let cut: number;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let event = "";
      let data = "";
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) event = line.slice(7);
        else if (line.startsWith("data: ")) data += line.slice(6);
      }
      if (event && data) onEvent({ event, data: JSON.parse(data) } as StreamEvent);
    }
  }
}
