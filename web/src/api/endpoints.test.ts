import { describe, expect, it } from "vitest";
import { buildQuery } from "./query";
import {
  getEarnings,
  listCategories,
  listCreatorPersonas,
  listMyPurchases,
  listPersonas,
  listTags,
  personaFormData,
  requestPayout,
  createCheckout,
  downloadStatement,
} from "./endpoints";
import { mockFetch } from "../test/utils";

describe("buildQuery", () => {
  it("skips empty values and repeats arrays", () => {
    expect(buildQuery({ a: "1", b: undefined, c: null, d: "", e: ["x", "y"], f: 0, g: false })).toBe("?a=1&e=x&e=y&f=0&g=false");
    expect(buildQuery({})).toBe("");
    expect(buildQuery(undefined)).toBe("");
    expect(buildQuery({ q: "a&b c" })).toBe("?q=a%26b+c");
  });
});

describe("listPersonas", () => {
  it("sends all filters, pagination and repeated categories", async () => {
    const { calls } = mockFetch({ "GET /api/personas": { body: { items: [{ id: "p1" }], next_cursor: "abc" } } });
    const page = await listPersonas(
      { q: " coach ", category: ["fitness", "humor"], tag: "upbeat", min_rating: 4, min_downloads: 1, max_downloads: 9, created_after: "2024-01-01", created_before: "2024-02-01", price: "free", creator: "ada", sort: "trending" },
      { limit: 24, cursor: "c1" },
    );
    expect(page).toEqual({ items: [{ id: "p1" }], next_cursor: "abc" });
    const sp = calls[0].url.searchParams;
    expect(sp.get("q")).toBe("coach");
    expect(sp.getAll("category")).toEqual(["fitness", "humor"]);
    expect(Object.fromEntries([...sp].filter(([k]) => k !== "category"))).toEqual({
      q: "coach",
      tag: "upbeat",
      min_rating: "4",
      min_downloads: "1",
      max_downloads: "9",
      created_after: "2024-01-01",
      created_before: "2024-02-01",
      price: "free",
      creator: "ada",
      sort: "trending",
      limit: "24",
      cursor: "c1",
    });
  });

  it("omits unset filters", async () => {
    const { calls } = mockFetch({ "GET /api/personas": { body: { items: [], next_cursor: null } } });
    await listPersonas({});
    expect(calls[0].url.search).toBe("");
  });
});

describe("response shapes", () => {
  it("reads categories and tags as catalog sends them", async () => {
    const { calls } = mockFetch({
      "GET /api/categories": { body: { items: [{ slug: "humor", name: "Humor & comedy", count: 3 }], next_cursor: null } },
      "GET /api/tags": { body: { items: [{ name: "upbeat", count: 2 }], next_cursor: null } },
    });
    await expect(listCategories()).resolves.toEqual([{ slug: "humor", name: "Humor & comedy", count: 3 }]);
    await expect(listTags("up")).resolves.toEqual([{ name: "upbeat", count: 2 }]);
    expect(calls[1].url.search).toBe("?q=up&limit=30");
  });

  it("reads the library as catalog sends it", async () => {
    mockFetch({
      "GET /api/users/me/purchases": {
        body: {
          items: [{ persona: { id: "p1", price_cents: 500, currency: "usd" }, acquired_at: "2024-01-01", source: "purchase", transaction_id: "t1", price_cents: 500, currency: "usd" }],
          next_cursor: null,
        },
      },
    });
    const page = await listMyPurchases();
    expect(page.items[0]).toMatchObject({ persona: { id: "p1" }, acquired_at: "2024-01-01", price_cents: 500, transaction_id: "t1" });
  });

  it("lists a creator's personas through the market search", async () => {
    const { calls } = mockFetch({ "GET /api/personas": { body: { items: [], next_cursor: null } } });
    await listCreatorPersonas("ada", { limit: 24 });
    expect(Object.fromEntries(calls[0].url.searchParams)).toEqual({ creator: "ada", sort: "newest", limit: "24" });
  });

  it("reads earnings in minor units, with an optional currency", async () => {
    const body = {
      currency: "usd",
      pending: 699,
      available: 0,
      paid: 0,
      lifetime: 699,
      balance: 699,
      in_flight: 0,
      by_month: [{ month: "2024-02", gross: 999, fees: 300, refunds: 0, net: 699 }],
      payout_blockers: [{ code: "not_onboarded", message: "Connect a Stripe account to receive payouts." }],
      can_request_payout: false,
      onboarded: false,
      minimum_payout: 2500,
      holding_days: 7,
      next_available_at: "2024-02-08T00:00:00Z",
      currencies: ["usd"],
    };
    const { calls } = mockFetch({ "GET /api/earnings": { body } });
    await expect(getEarnings()).resolves.toEqual(body);
    await getEarnings("eur");
    expect(calls[0].url.search).toBe("");
    expect(calls[1].url.search).toBe("?currency=eur");
  });
});

describe("request bodies", () => {
  it("encodes persona metadata as multipart", () => {
    const file = new File(["hello"], "prompt.md", { type: "text/markdown" });
    const fd = personaFormData(
      {
        name: "N",
        short_description: "S",
        description: "D",
        category: "fitness",
        tags: ["a", "b"],
        price_cents: 999,
        currency: "usd",
        usage_terms: { personal: true, commercial: false, derivatives: true },
      },
      "pending",
      [file],
    );
    expect(fd.get("name")).toBe("N");
    expect(fd.getAll("tags")).toEqual(["a", "b"]);
    expect(fd.get("price_cents")).toBe("999");
    expect(JSON.parse(String(fd.get("usage_terms")))).toEqual({ personal: true, commercial: false, derivatives: true });
    expect(fd.get("submit")).toBe("true");
    expect(fd.get("status")).toBeNull();
    expect((fd.get("files") as File).name).toBe("prompt.md");
  });

  it("posts checkout and payout requests", async () => {
    const { calls } = mockFetch({
      "POST /api/payments/create-checkout": { body: { checkout_url: "https://pay.example/s/1", session_id: "s1" } },
      "POST /api/payouts": { status: 201, body: { id: "po1", amount: 3000, currency: "usd", status: "requested", reason: null, created_at: "x" } },
    });
    await createCheckout("p1");
    await requestPayout();
    await requestPayout(3000, "usd", "key-1");
    expect(calls[0].body).toEqual({ persona_id: "p1" });
    expect(calls[1].body).toEqual({});
    expect(calls[2].body).toEqual({ amount: 3000, currency: "usd" });
    expect(calls[2].headers.get("Idempotency-Key")).toBe("key-1");
  });

  it("retries a checkout briefly while billing has not heard of a just-approved persona", async () => {
    const notReady = { status: 503, body: { status: 503, code: "price_not_ready", title: "Try again shortly" } };
    const { calls } = mockFetch({
      "POST /api/payments/create-checkout": [notReady, notReady, { body: { checkout_url: "https://pay/s/2", session_id: "s2" } }],
    });
    const session = await createCheckout("p2", { delayMs: 1 });
    expect(session.session_id).toBe("s2");
    expect(calls).toHaveLength(3);
  });

  it("gives up on checkout after a few tries and on other errors at once", async () => {
    const notReady = { status: 503, body: { status: 503, code: "price_not_ready", title: "Try again shortly" } };
    const { calls } = mockFetch({ "POST /api/payments/create-checkout": notReady });
    await expect(createCheckout("p3", { attempts: 3, delayMs: 1 })).rejects.toMatchObject({ status: 503 });
    expect(calls).toHaveLength(3);
    const missing = mockFetch({ "POST /api/payments/create-checkout": { status: 404, body: { status: 404, code: "persona_not_found" } } });
    await expect(createCheckout("p5", { delayMs: 1 })).rejects.toMatchObject({ status: 404 });
    expect(missing.calls).toHaveLength(1);
    const forbidden = mockFetch({ "POST /api/payments/create-checkout": { status: 403, body: { status: 403, code: "own_persona" } } });
    await expect(createCheckout("p4", { delayMs: 1 })).rejects.toMatchObject({ status: 403 });
    expect(forbidden.calls).toHaveLength(1);
  });

  it("asks for statements in the chosen format", async () => {
    const { calls } = mockFetch({ "GET /api/earnings/statements/2024": { body: "a,b" } });
    await downloadStatement(2024, "csv");
    expect(calls[0].url.search).toBe("?format=csv");
  });
});
