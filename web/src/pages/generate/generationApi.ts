// Calls of the /generate page. JSON calls go through the app's one HTTP layer; the
// streamed ones (server-sent events over POST) read the body as it arrives.

import { api, blob, data, page, refreshSession, url, problemToError, type BlobResult } from "../../api/client";
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
  favourite: boolean;
  model: string;
  batch_id: string | null;
  schedule_id: string | null;
}

/** One generation in full: the prompts only while you may see the persona's files. */
export interface GenerationDetail extends Generation {
  prompt_visible: boolean;
  system_prompt?: string;
  prompt?: string;
  params_diff?: Record<string, { from: unknown; to: unknown }>;
}

export interface BatchItem {
  index: number;
  status: string;
  error: string | null;
  generation_id: string | null;
}

export interface BatchProgress {
  id: string;
  status: "running" | "done" | "cancelled";
  total: number;
  done: number;
  counts: Record<string, number>;
  items: BatchItem[];
}

export interface BatchSummary {
  id: string;
  status: string;
  total: number;
  done: number;
  persona_id: string;
  template_id: string;
  created_at: string;
}

export interface Schedule {
  id: string;
  status: string;
  cron: string | null;
  timezone: string;
  next_run_at: string | null;
  last_run_at: string | null;
  spec: { persona_id: string; template_id: string; params: Record<string, unknown> };
  created_at: string;
}

export interface Tryouts {
  persona_id: string;
  tryouts: boolean;
  per_day: number;
  full_access: boolean;
  used_today: number;
  remaining_today: number;
}

export interface RenderedPrompt {
  system_prompt: string;
  prompt: string;
  messages: { role: string; content: string }[];
}

export interface JobInput {
  persona_id: string;
  template_id: string;
  params: Record<string, unknown>;
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
export const listHistory = async (query: { limit?: number; cursor?: string | null; favourite?: boolean }) =>
  (await page(api.GET("/api/generations", { params: { query: { limit: query.limit, cursor: query.cursor ?? undefined, favourite: query.favourite } } }))) as unknown as Page<Generation>;

export const getGeneration = async (id: string) =>
  (await data(api.GET("/api/generations/{generation_id}", { params: { path: { generation_id: id } } }))) as unknown as GenerationDetail;
export const setFavourite = async (id: string, favourite: boolean) =>
  data(api.PUT("/api/generations/{generation_id}/favourite", { params: { path: { generation_id: id } }, body: { favourite } }));
export async function deleteGeneration(id: string): Promise<void> {
  await data(api.DELETE("/api/generations/{generation_id}", { params: { path: { generation_id: id } }, parseAs: "text" }));
}

export const startBatch = async (body: JobInput & { variants?: number; csv?: string }) =>
  (await data(api.POST("/api/generations/batch", { body: { temperature: 0.7, ...body } }))) as unknown as BatchProgress;
export const getBatch = async (id: string) =>
  (await data(api.GET("/api/generations/batch/{batch_id}", { params: { path: { batch_id: id } } }))) as unknown as BatchProgress;
export const cancelBatch = async (id: string) =>
  (await data(api.POST("/api/generations/batch/{batch_id}/cancel", { params: { path: { batch_id: id } } }))) as unknown as BatchProgress;
export const listBatches = async (query: { limit?: number; cursor?: string | null }) =>
  (await page(api.GET("/api/generations/batch", { params: { query: { limit: query.limit, cursor: query.cursor ?? undefined } } }))) as unknown as Page<BatchSummary>;

export const createSchedule = async (body: JobInput & { run_at?: string; cron?: string; timezone: string }) =>
  (await data(api.POST("/api/schedules", { body: { temperature: 0.7, ...body } }))) as unknown as Schedule;
export const listSchedules = async (query: { limit?: number; cursor?: string | null }) =>
  (await page(api.GET("/api/schedules", { params: { query: { limit: query.limit, cursor: query.cursor ?? undefined } } }))) as unknown as Page<Schedule>;
export async function deleteSchedule(id: string): Promise<void> {
  await data(api.DELETE("/api/schedules/{schedule_id}", { params: { path: { schedule_id: id } }, parseAs: "text" }));
}

export const getTryouts = async (personaId: string) =>
  (await data(api.GET("/api/generations/tryouts/{persona_id}", { params: { path: { persona_id: personaId } } }))) as unknown as Tryouts;
export const setTryouts = async (personaId: string, allowed: boolean) =>
  data(api.PUT("/api/generations/tryouts/{persona_id}", { params: { path: { persona_id: personaId } }, body: { allowed } }));

export const renderPrompt = async (body: JobInput) =>
  (await data(api.POST("/api/generations/prompt", { body: { temperature: 0.7, ...body } }))) as unknown as RenderedPrompt;

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
  for await (const block of pieces(res.body, "\n\n")) {
    let event = "";
    let data = "";
    for (const line of block.split("\n")) {
      if (line.startsWith("event: ")) event = line.slice(7);
      else if (line.startsWith("data: ")) data += line.slice(6);
    }
    if (event && data) onEvent({ event, data: JSON.parse(data) } as StreamEvent);
  }
}

/** The pieces of a text stream between `separator`s, each as soon as it is complete. */
async function* pieces(body: NonNullable<Response["body"]>, separator: string): AsyncGenerator<string> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let cut: number;
    while ((cut = buffer.indexOf(separator)) >= 0) {
      yield buffer.slice(0, cut);
      buffer = buffer.slice(cut + separator.length);
    }
  }
}

/** Read an OpenAI-style `data: {...}` stream (chat.completion.chunk) and hand on each piece of text. */
export async function readChatStream(body: NonNullable<Response["body"]>, onText: (text: string) => void): Promise<void> {
  for await (const raw of pieces(body, "\n")) {
    const line = raw.trim();
    if (!line.startsWith("data:")) continue;
    const payload = line.slice(5).trim();
    if (payload === "[DONE]") return;
    const chunk = JSON.parse(payload) as { choices?: { delta?: { content?: string | null } }[] };
    const text = chunk.choices?.[0]?.delta?.content;
    if (text) onText(text);
  }
}

/**
 * "Use the model on my own computer": the browser itself streams the rendered messages to the
 * user's own OpenAI-compatible server (Jan, Ollama...) at the address they typed. The platform's
 * server never sees that address.
 */
export async function streamLocal(
  baseUrl: string,
  model: string,
  messages: RenderedPrompt["messages"],
  signal: AbortSignal,
  onText: (text: string) => void,
): Promise<void> {
  let res: Response;
  try {
    res = await fetch(`${baseUrl.replace(/\/+$/, "")}/chat/completions`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer local" },
      body: JSON.stringify({ model, messages, stream: true }),
      signal,
    });
  } catch (e) {
    if (signal.aborted) throw e;
    throw new Error(
      `Could not reach your model at ${baseUrl}. Is its local server running, with this site allowed (CORS)?`,
    );
  }
  if (!res.ok || !res.body) {
    const text = await res.text().catch(() => "");
    throw new Error(`Your model answered ${res.status}${text ? `: ${text.slice(0, 200)}` : ""}`);
  }
  await readChatStream(res.body, onText);
}
