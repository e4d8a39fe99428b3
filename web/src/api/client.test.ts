import { describe, expect, it, vi } from "vitest";
import { ApiError, errorMessage, filenameFromDisposition, normalizeField, parseRetryAfter, setSessionExpiredHandler } from "./client";
import { approvePersona, deletePersona, downloadPersona, getMe, getPersona, listMyPurchases, listPersonas, login, register, submitPersona } from "./endpoints";
import { tokenStore } from "./tokens";
import { mockFetch } from "../test/utils";

const pair = (access: string, refresh: string) => ({ access_token: access, refresh_token: refresh, token_type: "Bearer", expires_in: 900 });

describe("typed client: bearer token", () => {
  it("adds the access token as a bearer header", async () => {
    tokenStore.setTokens(pair("acc-1", "ref-1"));
    const { calls } = mockFetch({ "GET /api/auth/me": { body: { id: "u1" } } });
    await expect(getMe()).resolves.toEqual({ id: "u1" });
    expect(calls[0].headers.get("Authorization")).toBe("Bearer acc-1");
  });

  it("sends no token when anonymous or when auth is false", async () => {
    tokenStore.setTokens(pair("acc-1", "ref-1"));
    const { calls } = mockFetch({ "POST /api/auth/login": { body: {} } });
    await login({ email: "a", password: "p" });
    expect(calls[0].headers.get("Authorization")).toBeNull();
    expect(calls[0].headers.get("Content-Type")).toBe("application/json");
    expect(calls[0].body).toEqual({ email: "a", password: "p" });
  });

  it("builds the query string from options", async () => {
    const { calls } = mockFetch({ "GET /api/personas": { body: { items: [], next_cursor: null } } });
    await listPersonas({ category: ["a", "b"], q: "" }, { limit: 10, cursor: undefined });
    expect(calls[0].url.search).toBe("?category=a&category=b&limit=10");
  });
});

describe("typed client: refresh on 401", () => {
  it("refreshes once and retries with the new token", async () => {
    tokenStore.setTokens(pair("old", "ref-1"));
    const { calls } = mockFetch({
      "GET /api/auth/me": ({ init }) =>
        new Headers(init.headers).get("Authorization") === "Bearer new" ? { body: { id: "u1" } } : { status: 401, body: { title: "Expired" } },
      "POST /api/auth/refresh": { body: pair("new", "ref-2") },
    });
    await expect(getMe()).resolves.toEqual({ id: "u1" });
    expect(calls.map((c) => `${c.method} ${c.url.pathname}`)).toEqual(["GET /api/auth/me", "POST /api/auth/refresh", "GET /api/auth/me"]);
    expect(calls[1].body).toEqual({ refresh_token: "ref-1" });
    expect(tokenStore.getAccessToken()).toBe("new");
    expect(tokenStore.getRefreshToken()).toBe("ref-2");
  });

  it("retries only once: a second 401 is thrown", async () => {
    tokenStore.setTokens(pair("old", "ref-1"));
    const { calls } = mockFetch({
      "GET /api/personas/x": { status: 401, body: { title: "Nope", code: "unauthorized" } },
      "POST /api/auth/refresh": { body: pair("new", "ref-2") },
    });
    const err = (await getPersona("x").catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(401);
    expect(calls).toHaveLength(3);
  });

  it("gets a fresh token once when a 403 says the e-mail is not verified (stale claim)", async () => {
    tokenStore.setTokens(pair("old", "ref-1"));
    const { calls } = mockFetch({
      "POST /api/personas/p1/submit": [
        { status: 403, body: { title: "Forbidden", code: "email_not_verified", detail: "Verify your e-mail address first." } },
        { body: { id: "p1", status: "pending" } },
      ],
      "POST /api/auth/refresh": { body: pair("new", "ref-2") },
    });
    await expect(submitPersona("p1")).resolves.toEqual({ id: "p1", status: "pending" });
    expect(calls.map((c) => c.headers.get("Authorization"))).toEqual(["Bearer old", null, "Bearer new"]);
  });

  it("does not refresh on other 403s", async () => {
    tokenStore.setTokens(pair("old", "ref-1"));
    const { calls } = mockFetch({ "POST /api/admin/personas/p1/approve": { status: 403, body: { code: "forbidden" } } });
    await expect(approvePersona("p1")).rejects.toMatchObject({ status: 403 });
    expect(calls).toHaveLength(1);
  });

  it("ends the session when the refresh token is rejected", async () => {
    tokenStore.setTokens(pair("old", "ref-1"));
    const expired = vi.fn();
    setSessionExpiredHandler(expired);
    mockFetch({
      "GET /api/auth/me": { status: 401, body: {} },
      "POST /api/auth/refresh": { status: 401, body: { title: "Invalid refresh token" } },
    });
    await expect(getMe()).rejects.toMatchObject({ status: 401 });
    expect(tokenStore.getRefreshToken()).toBeNull();
    expect(tokenStore.getAccessToken()).toBeNull();
    expect(expired).toHaveBeenCalledOnce();
  });

  it("does not try to refresh without a refresh token", async () => {
    const { calls } = mockFetch({ "GET /api/auth/me": { status: 401, body: {} } });
    await expect(getMe()).rejects.toMatchObject({ status: 401 });
    expect(calls).toHaveLength(1);
  });

  it("shares one refresh between concurrent requests", async () => {
    tokenStore.setTokens(pair("old", "ref-1"));
    const { calls } = mockFetch({
      "GET /api/personas/a": ({ init }) => (new Headers(init.headers).get("Authorization") === "Bearer new" ? { body: { id: "a" } } : { status: 401 }),
      "GET /api/personas/b": ({ init }) => (new Headers(init.headers).get("Authorization") === "Bearer new" ? { body: { id: "b" } } : { status: 401 }),
      "POST /api/auth/refresh": { body: pair("new", "ref-2") },
    });
    await expect(Promise.all([getPersona("a"), getPersona("b")])).resolves.toEqual([{ id: "a" }, { id: "b" }]);
    expect(calls.filter((c) => c.url.pathname === "/api/auth/refresh")).toHaveLength(1);
  });
});

describe("typed client: errors", () => {
  it("turns problem+json into an ApiError with field errors", async () => {
    mockFetch({
      "POST /api/auth/register": {
        status: 422,
        body: {
          type: "https://errors.example/validation",
          title: "Validation failed",
          status: 422,
          detail: "Some fields are invalid",
          code: "validation_error",
          errors: [
            { field: "email", message: "Already registered" },
            { field: "body.password", message: "Too common" },
          ],
        },
      },
    });
    const err = (await register({ email: "a@example.com", username: "ada", password: "x" }).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(422);
    expect(err.code).toBe("validation_error");
    expect(err.title).toBe("Validation failed");
    expect(err.type).toBe("https://errors.example/validation");
    expect(err.errors).toHaveLength(2);
    expect(err.fieldErrors).toEqual({ email: "Already registered", password: "Too common" });
    expect(err.message).toBe("Some fields are invalid");
  });

  it("understands FastAPI's default validation shape", async () => {
    mockFetch({
      "POST /api/auth/register": { status: 422, body: { detail: [{ loc: ["body", "price_cents"], msg: "must be >= 0" }] } },
    });
    const err = (await register({ email: "", username: "", password: "" }).catch((e: unknown) => e)) as ApiError;
    expect(err.fieldErrors).toEqual({ price_cents: "must be >= 0" });
  });

  it("reads Retry-After on 429", async () => {
    mockFetch({ "POST /api/auth/login": { status: 429, body: { title: "Too many requests" }, headers: { "Retry-After": "30" } } });
    const err = (await login({ email: "a", password: "b" }).catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(429);
    expect(err.retryAfter).toBe(30);
    expect(err.userMessage).toMatch(/wait 30 seconds/);
  });

  it("copes with non-JSON error bodies", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => new Response("<html>Bad gateway</html>", { status: 502, headers: { "Content-Type": "text/html" } })));
    const err = (await getMe().catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(502);
    expect(err.title).toMatch(/temporarily unavailable/);
    expect(err.errors).toEqual([]);
  });

  it("reports network failures as status 0", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))));
    const err = (await getMe().catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(0);
    expect(errorMessage(err)).toMatch(/reach the server/);
  });

  it("surfaces a list in the wrong shape as an error, not as an empty page", async () => {
    mockFetch({ "GET /api/users/me/purchases": [{ body: [] }, { body: { next_cursor: null } }] });
    await expect(listMyPurchases()).rejects.toMatchObject({ status: 502, title: "Unexpected response from the server" });
    await expect(listMyPurchases()).rejects.toBeInstanceOf(ApiError);
  });

  it("surfaces a body that is not JSON as an error", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => new Response("{not json", { status: 200, headers: { "Content-Type": "application/json" } })));
    await expect(getMe()).rejects.toMatchObject({ title: "Unexpected response from the server" });
  });

  it("returns undefined for 204", async () => {
    mockFetch({ "DELETE /api/personas/p1": { status: 204 } });
    await expect(deletePersona("p1")).resolves.toBeUndefined();
  });
});

describe("helpers", () => {
  it("normalizes field locations", () => {
    const cases: [string, string][] = [
      ["body.name", "name"],
      ["body/tags/0", "tags"],
      ["usage_terms.personal", "usage_terms.personal"],
      ["email", "email"],
    ];
    for (const [location, field] of cases) expect(normalizeField(location)).toBe(field);
  });

  it("parses Retry-After seconds and dates", () => {
    expect(parseRetryAfter("12")).toBe(12);
    expect(parseRetryAfter(new Date(10_000 + 5_000).toUTCString(), 10_000)).toBe(5);
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it("reads filenames from Content-Disposition", () => {
    expect(filenameFromDisposition('attachment; filename="coach-1.0.0.zip"')).toBe("coach-1.0.0.zip");
    expect(filenameFromDisposition("attachment; filename*=UTF-8''caf%C3%A9.zip")).toBe("café.zip");
    expect(filenameFromDisposition(null)).toBeNull();
  });

  it("returns blobs with their filename", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response(new Uint8Array([80, 75]), { status: 200, headers: { "Content-Type": "application/zip", "Content-Disposition": 'attachment; filename="a.zip"' } })),
    );
    const res = await downloadPersona("p1");
    expect(res.filename).toBe("a.zip");
    expect(res.blob.size).toBe(2);
  });
});
