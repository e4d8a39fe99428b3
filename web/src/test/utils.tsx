import type { ReactElement, ReactNode } from "react";
import { render } from "@testing-library/react";
import { MemoryRouter, Route, Routes, useLocation } from "react-router";
import { QueryClient } from "@tanstack/react-query";
import { vi } from "vitest";
import { Providers } from "../App";

export interface MockResponse {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type RouteHandler = MockResponse | ((req: { url: URL; init: RequestInit; body: unknown }) => MockResponse);

/** Build a Response like a real server would. */
export function jsonResponse({ status = 200, body, headers = {} }: MockResponse): Response {
  const isProblem = status >= 400;
  const text = body === undefined ? null : typeof body === "string" ? body : JSON.stringify(body);
  return new Response(status === 204 ? null : text, {
    status,
    headers: { "Content-Type": isProblem ? "application/problem+json" : "application/json", ...headers },
  });
}

/**
 * Stub global fetch with a table of "METHOD /path" → response. Unmatched
 * requests fail the test loudly with a 599.
 */
export function mockFetch(routes: Record<string, RouteHandler | RouteHandler[]>) {
  const calls: { method: string; url: URL; headers: Headers; body: unknown }[] = [];
  const counters = new Map<string, number>();
  const fn = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    if (input instanceof Request) {
      // The generated client sends Request objects: read them as (url, init).
      const text = input.body ? await input.clone().text() : undefined;
      init = { method: input.method, headers: input.headers, body: text };
      input = input.url;
    }
    const url = new URL(String(input), "http://localhost");
    const method = (init.method ?? "GET").toUpperCase();
    let body: unknown = init.body;
    if (typeof init.body === "string") {
      try {
        body = JSON.parse(init.body);
      } catch {
        body = init.body;
      }
    }
    calls.push({ method, url, headers: new Headers(init.headers), body });
    const key = `${method} ${url.pathname}`;
    const entry = routes[key];
    if (!entry) return jsonResponse({ status: 599, body: { title: `No mock for ${key}` } });
    let handler: RouteHandler;
    if (Array.isArray(entry)) {
      const n = counters.get(key) ?? 0;
      counters.set(key, n + 1);
      handler = entry[Math.min(n, entry.length - 1)];
    } else handler = entry;
    const res = typeof handler === "function" ? handler({ url, init, body }) : handler;
    return jsonResponse(res);
  });
  vi.stubGlobal("fetch", fn);
  return { fn, calls };
}

export function LocationDisplay() {
  const location = useLocation();
  return <div data-testid="location">{`${location.pathname}${location.search}`}</div>;
}

export function testQueryClient() {
  return new QueryClient({ defaultOptions: { queries: { retry: false, gcTime: Infinity }, mutations: { retry: false } } });
}

/** Render inside all app providers and a MemoryRouter at `route`. */
export function renderApp(ui: ReactElement, { route = "/", path = "*", extraRoutes }: { route?: string; path?: string; extraRoutes?: ReactNode } = {}) {
  const client = testQueryClient();
  return {
    client,
    ...render(
      <MemoryRouter initialEntries={[route]}>
        <Providers client={client}>
          <Routes>
            <Route path={path} element={ui} />
            {extraRoutes}
          </Routes>
          <LocationDisplay />
        </Providers>
      </MemoryRouter>,
    ),
  };
}

export const sampleUser = {
  id: "u1",
  email: "ada@example.com",
  username: "ada",
  roles: ["user"],
  email_verified: true,
  bio: null,
  website: null,
  avatar_url: null,
  social_links: null,
  followers_count: 3,
  following_count: 1,
  created_at: "2024-01-01T00:00:00Z",
};

export function samplePersona(over: Partial<import("../api").Persona> = {}): import("../api").Persona {
  return {
    id: "p1",
    name: "Cheerful coach",
    short_description: "Upbeat fitness voice",
    description: "Long description",
    category: "fitness",
    tags: ["upbeat"],
    price_cents: 999,
    currency: "usd",
    usage_terms: { personal: true, commercial: false, derivatives: false },
    status: "approved",
    rejection_reason: null,
    creator: { id: "c1", username: "coachcarla" },
    rating_avg: 4.5,
    rating_count: 2,
    rating_distribution: { "5": 1, "4": 1 },
    downloads: 42,
    acquisitions: 40,
    latest_version: "1.0.0",
    created_at: "2024-02-01T00:00:00Z",
    updated_at: "2024-02-02T00:00:00Z",
    entitled: false,
    ...over,
  };
}
