// The single HTTP layer of the app. Every endpoint call goes through the
// generated, typed `api` client (openapi-fetch over `schema.d.ts`) or, for
// upload progress, `upload` (XMLHttpRequest). Both add the bearer token,
// refresh it once on a 401 and turn problem+json answers into ApiError.

import createClient from "openapi-fetch";
import { buildQuery, type QueryInit } from "./query";
import type { paths } from "./schema";
import { tokenStore } from "./tokens";
import type { FieldError, ProblemDetails, TokenPair } from "./types";

export const API_BASE: string = (import.meta.env.VITE_API_BASE as string | undefined) ?? "";

// ---------------------------------------------------------------- errors

export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly code: string | undefined;
  readonly errors: FieldError[];
  /** Seconds to wait, from Retry-After (429/503). */
  readonly retryAfter: number | undefined;
  readonly problem: ProblemDetails;

  constructor(status: number, problem: ProblemDetails = {}, retryAfter?: number) {
    const title = problem.title || defaultTitle(status);
    super(problem.detail || title);
    this.name = "ApiError";
    this.status = status;
    this.type = problem.type || "about:blank";
    this.title = title;
    this.detail = problem.detail;
    this.code = problem.code;
    this.errors = Array.isArray(problem.errors)
      ? problem.errors
          .filter((e): e is FieldError => !!e && typeof e === "object")
          .map((e) => ({ field: String(e.field ?? ""), message: String(e.message ?? "") }))
      : [];
    this.retryAfter = retryAfter;
    this.problem = problem;
  }

  /** Field errors keyed by field name (first message wins; "body.name" → "name"). */
  get fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.errors) {
      const key = normalizeField(e.field);
      if (!(key in out)) out[key] = e.message;
    }
    return out;
  }

  /** A sentence to show a person. */
  get userMessage(): string {
    if (this.status === 0) return "Can't reach the server. Check your connection and try again.";
    if (this.status === 429) {
      return this.retryAfter
        ? `Too many attempts. Please wait ${formatWait(this.retryAfter)} and try again.`
        : "Too many attempts. Please wait a moment and try again.";
    }
    if (this.detail) return this.detail;
    return this.title;
  }
}

function formatWait(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} second${Math.round(seconds) === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minutes`;
}

/** Strip location prefixes FastAPI-style validators add ("body.price_cents", "body/tags/0"). */
export function normalizeField(field: string): string {
  const parts = field.split(/[./]/).filter(Boolean);
  while (parts.length > 1 && (parts[0] === "body" || parts[0] === "query" || parts[0] === "form")) parts.shift();
  // "tags.0" → "tags"; "usage_terms.personal" stays nested
  while (parts.length > 1 && /^\d+$/.test(parts[parts.length - 1])) parts.pop();
  return parts.join(".");
}

function defaultTitle(status: number): string {
  switch (status) {
    case 0:
      return "Network error";
    case 400:
      return "Bad request";
    case 401:
      return "Please sign in";
    case 403:
      return "You don't have access to this";
    case 404:
      return "Not found";
    case 409:
      return "Conflict";
    case 413:
      return "The upload is too large";
    case 422:
      return "Please check the highlighted fields";
    case 429:
      return "Too many requests";
    case 502:
    case 503:
    case 504:
      return "The service is temporarily unavailable. Please try again in a moment.";
    default:
      return status >= 500 ? "Something went wrong on our side. Please try again." : `Request failed (${status})`;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/** Best human-readable message for any thrown value. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.userMessage;
  if (e instanceof Error && e.name === "AbortError") return "The request was cancelled.";
  if (e instanceof Error) return e.message;
  return "Something went wrong.";
}

export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const n = Number(value);
  if (Number.isFinite(n)) return Math.max(0, n);
  const date = Date.parse(value);
  if (!Number.isNaN(date)) return Math.max(0, Math.round((date - now) / 1000));
  return undefined;
}

/** Turn a raw error body (any content type) into an ApiError. */
export function problemToError(status: number, contentType: string | null, bodyText: string, retryAfter?: string | null): ApiError {
  let problem: ProblemDetails = {};
  if (bodyText) {
    const looksJson = (contentType ?? "").includes("json") || /^\s*[{[]/.test(bodyText);
    if (looksJson) {
      try {
        const parsed = JSON.parse(bodyText) as unknown;
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
          problem = parsed as ProblemDetails;
          // FastAPI's default 422 shape: {detail: [{loc, msg}]}
          const d = (parsed as { detail?: unknown }).detail;
          if (Array.isArray(d)) {
            problem = {
              ...problem,
              detail: undefined,
              errors: d.map((x: { loc?: unknown[]; msg?: string }) => ({
                field: Array.isArray(x.loc) ? x.loc.join(".") : "",
                message: x.msg ?? "Invalid value",
              })),
            };
          } else if (d !== undefined && typeof d !== "string") {
            problem = { ...problem, detail: undefined };
          }
        }
      } catch {
        /* not JSON after all */
      }
    } else if (bodyText.length < 300 && !/<html/i.test(bodyText)) {
      problem = { detail: bodyText.trim() };
    }
  }
  return new ApiError(status, problem, parseRetryAfter(retryAfter ?? null));
}

// ---------------------------------------------------------------- token refresh

let refreshInFlight: Promise<boolean> | null = null;
let onSessionExpired: (() => void) | null = null;

/** The auth context registers this to react when a refresh fails. */
export function setSessionExpiredHandler(handler: (() => void) | null) {
  onSessionExpired = handler;
}

async function withCrossTabLock<T>(fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== "undefined" ? (navigator as Navigator & { locks?: LockManager }).locks : undefined;
  if (locks && typeof locks.request === "function") {
    return locks.request("personas-token-refresh", fn) as Promise<T>;
  }
  return fn();
}

/**
 * Exchange the stored refresh token for a new pair. Concurrent callers share
 * one request; tabs are serialised with a Web Lock and always read the newest
 * refresh token from storage (rotation makes an old one revoke the family).
 * Resolves false when there is no session any more.
 */
export function refreshSession(): Promise<boolean> {
  if (refreshInFlight) return refreshInFlight;
  refreshInFlight = withCrossTabLock(async () => {
    const refreshToken = tokenStore.getRefreshToken();
    if (!refreshToken) return false;
    let pair: TokenPair;
    try {
      pair = await data(publicApi.POST("/api/auth/refresh", { body: { refresh_token: refreshToken } }));
    } catch (e) {
      if (e instanceof ApiError && (e.status === 400 || e.status === 401 || e.status === 403)) {
        tokenStore.clear();
        onSessionExpired?.();
      }
      // Network trouble or a server error: keep the session, the caller will see its own error.
      return false;
    }
    tokenStore.setTokens(pair);
    return true;
  }).finally(() => {
    refreshInFlight = null;
  });
  return refreshInFlight;
}

// ---------------------------------------------------------------- typed client

export interface BlobResult {
  blob: Blob;
  filename: string | null;
  contentType: string | null;
}

export function url(path: string, query?: QueryInit): string {
  return `${API_BASE}${path}${buildQuery(query)}`;
}

/**
 * Services trust the access token's claims. A 403 `email_not_verified` can
 * come from a token minted before the user clicked the link (in another tab,
 * say): a fresh token settles it, so it is worth one refresh-and-retry.
 */
const STALE_CLAIM_CODES = new Set(["email_not_verified"]);

function staleClaims(status: number, text: string): boolean {
  if (status !== 403 || !text) return false;
  try {
    const code = (JSON.parse(text) as { code?: unknown }).code;
    return typeof code === "string" && STALE_CLAIM_CODES.has(code);
  } catch {
    return false;
  }
}

async function send(request: Request, auth: boolean): Promise<Response> {
  const req = request.clone(); // the original stays unread for a retry
  if (!req.headers.has("Accept")) req.headers.set("Accept", "application/json, application/problem+json;q=0.9, */*;q=0.5");
  const token = auth ? tokenStore.getAccessToken() : null;
  if (token) req.headers.set("Authorization", `Bearer ${token}`);
  try {
    return await fetch(req);
  } catch (e) {
    if (e instanceof Error && e.name === "AbortError") throw e;
    throw new ApiError(0, { detail: "Can't reach the server. Check your connection and try again." });
  }
}

/**
 * The fetch the generated client runs on: bearer token, one refresh-and-retry
 * on a 401 (or a stale-claims 403), and any error answer thrown as ApiError,
 * so callers only ever see typed data or an exception.
 */
function fetchWith(auth: boolean) {
  return async (request: Request): Promise<Response> => {
    let res = await send(request, auth);
    const mayRefresh = auth && tokenStore.getRefreshToken() !== null;
    if (mayRefresh && (res.status === 401 || (res.status === 403 && staleClaims(403, await res.clone().text().catch(() => ""))))) {
      if (await refreshSession()) res = await send(request, auth);
    }
    if (!res.ok) {
      const text = await res.text().catch(() => "");
      throw problemToError(res.status, res.headers.get("Content-Type"), text, res.headers.get("Retry-After"));
    }
    return res;
  };
}

// openapi-fetch builds a Request, which needs an absolute URL outside a browser page.
const baseUrl = API_BASE || (typeof window !== "undefined" ? window.location.origin : "");
// Empty strings, nulls and non-finite numbers are left out of the query, as buildQuery does.
const querySerializer = (query: Record<string, unknown>) => buildQuery(query as QueryInit).slice(1);

/** Signed-in calls: the bearer token is sent and refreshed when it expires. */
export const api = createClient<paths>({ baseUrl, fetch: fetchWith(true), querySerializer, credentials: "same-origin" });
/** Calls that must not carry a token (login, register, refresh, public lists). */
export const publicApi = createClient<paths>({ baseUrl, fetch: fetchWith(false), querySerializer, credentials: "same-origin" });

interface ClientResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The data of a call (errors were already thrown as ApiError); a body that is not JSON is an error too. */
export async function data<T>(call: Promise<ClientResult<T>>): Promise<T> {
  let result: ClientResult<T>;
  try {
    result = await call;
  } catch (e) {
    if (e instanceof SyntaxError) throw new ApiError(502, { title: "Unexpected response from the server" });
    throw e;
  }
  if (!result.response.ok) throw new ApiError(result.response.status);
  return result.data as T;
}

/** A `{items, next_cursor}` page; anything else is an error, never an empty list. */
export async function page<T extends { items: unknown[]; next_cursor?: string | null }>(call: Promise<ClientResult<T>>): Promise<T> {
  const body = await data(call);
  if (!body || typeof body !== "object" || !Array.isArray((body as { items?: unknown }).items)) {
    throw new ApiError(502, { title: "Unexpected response from the server", detail: "The server sent a list in an unexpected shape." });
  }
  return body;
}

/** A download (zip, statement) with the filename from Content-Disposition. */
export async function blob(call: Promise<ClientResult<unknown>>): Promise<BlobResult> {
  const result = await call;
  return {
    blob: result.data as Blob,
    filename: filenameFromDisposition(result.response.headers.get("Content-Disposition")),
    contentType: result.response.headers.get("Content-Type"),
  };
}

export function filenameFromDisposition(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ""));
    } catch {
      /* fall through */
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/.exec(header);
  if (plain) return (plain[2] ?? plain[1]).trim();
  return null;
}

// ---------------------------------------------------------------- uploads (XHR)

export interface UploadProgress {
  loaded: number;
  total: number;
  /** 0..1, or null when the total is unknown */
  fraction: number | null;
}

export interface UploadOptions {
  method?: "POST" | "PUT" | "PATCH";
  onProgress?: (p: UploadProgress) => void;
  signal?: AbortSignal;
}

interface XhrResult {
  status: number;
  text: string;
  contentType: string | null;
  retryAfter: string | null;
}

function xhrSend(path: string, form: FormData | Blob, opts: UploadOptions): Promise<XhrResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(opts.method ?? "POST", url(path));
    xhr.setRequestHeader("Accept", "application/json");
    const token = tokenStore.getAccessToken();
    if (token) xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.upload.onprogress = (ev) => {
      opts.onProgress?.({
        loaded: ev.loaded,
        total: ev.total,
        fraction: ev.lengthComputable && ev.total > 0 ? ev.loaded / ev.total : null,
      });
    };
    xhr.onload = () =>
      resolve({
        status: xhr.status,
        text: xhr.responseText,
        contentType: xhr.getResponseHeader("Content-Type"),
        retryAfter: xhr.getResponseHeader("Retry-After"),
      });
    xhr.onerror = () => reject(new ApiError(0, { detail: "The upload failed: can't reach the server." }));
    xhr.onabort = () => reject(new DOMException("The upload was cancelled.", "AbortError"));
    if (opts.signal) {
      if (opts.signal.aborted) {
        xhr.abort();
        return;
      }
      opts.signal.addEventListener("abort", () => xhr.abort(), { once: true });
    }
    xhr.send(form);
  });
}

/** The JSON a POST route answers with on success, from the generated schema. */
type PostResult<P extends keyof paths> = paths[P] extends { post: { responses: infer R } }
  ? R extends { 201: { content: { "application/json": infer T } } }
    ? T
    : R extends { 200: { content: { "application/json": infer T } } }
      ? T
      : never
  : never;

/** "/api/personas/{persona_id}/versions" + {persona_id: "p1"} → "/api/personas/p1/versions" */
function fillPath(path: string, params: Record<string, string>): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ""));
}

/** Multipart POST with progress events (fetch has no upload progress), typed by the route it posts to. */
export async function upload<P extends keyof paths>(
  route: P,
  pathParams: Record<string, string>,
  form: FormData,
  opts: UploadOptions = {},
): Promise<PostResult<P>> {
  return sendUpload<PostResult<P>>(fillPath(route, pathParams), form, opts);
}

/**
 * Upload one file as the raw request body (covers, gallery images, avatars: the server
 * recognises the image by its content). `path` is already filled in; the answer's JSON.
 */
export function uploadFile<T>(path: string, file: Blob, opts: UploadOptions = {}): Promise<T> {
  return sendUpload<T>(path, file, opts);
}

async function sendUpload<T>(path: string, body: FormData | Blob, opts: UploadOptions): Promise<T> {
  let res = await xhrSend(path, body, opts);
  if ((res.status === 401 || staleClaims(res.status, res.text)) && tokenStore.getRefreshToken() !== null) {
    const refreshed = await refreshSession();
    if (refreshed) res = await xhrSend(path, body, opts);
  }
  if (res.status < 200 || res.status >= 300) {
    throw problemToError(res.status, res.contentType, res.text, res.retryAfter);
  }
  opts.onProgress?.({ loaded: 1, total: 1, fraction: 1 });
  try {
    return JSON.parse(res.text) as T;
  } catch {
    throw new ApiError(res.status, { title: "Unexpected response from the server" });
  }
}

export interface RequestOptions {
  method?: string;
  query?: QueryInit;
  body?: unknown;
  auth?: boolean;
  responseType?: "json" | "blob" | "none";
  keepalive?: boolean;
}

/**
 * A call by path for the analytics and notifications modules, which are not on the generated
 * client yet (their routes arrived after it): same token, refresh and problem+json handling.
 */
export async function request<T = unknown>(path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(opts.body);
  }
  const req = new Request(new URL(url(path, opts.query), baseUrl || "http://localhost"), {
    method: opts.method ?? "GET",
    headers,
    body,
    credentials: "same-origin",
    keepalive: opts.keepalive,
  });
  const res = await fetchWith(opts.auth ?? true)(req);
  if (opts.responseType === "blob") {
    const result: BlobResult = {
      blob: await res.blob(),
      filename: filenameFromDisposition(res.headers.get("Content-Disposition")),
      contentType: res.headers.get("Content-Type"),
    };
    return result as T;
  }
  if (res.status === 204 || opts.responseType === "none") return undefined as T;
  const text = await res.text();
  try {
    return (text ? JSON.parse(text) : undefined) as T;
  } catch {
    throw new ApiError(502, { title: "Unexpected response from the server" });
  }
}
