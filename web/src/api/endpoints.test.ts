import { describe, expect, it } from "vitest";
import { buildQuery } from "./query";
import {
  asPage,
  getEarnings,
  listCategories,
  listMyPurchases,
  listPersonas,
  normalizeEarnings,
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

describe("response shape tolerance", () => {
  it("accepts arrays or pages", () => {
    expect(asPage([1, 2])).toEqual({ items: [1, 2], next_cursor: null });
    expect(asPage({ items: [1], next_cursor: "n" })).toEqual({ items: [1], next_cursor: "n" });
    expect(asPage(null)).toEqual({ items: [], next_cursor: null });
  });

  it("normalizes categories given as strings or objects", async () => {
    mockFetch({ "GET /api/categories": { body: ["fitness", { slug: "humor", name: "Humor & comedy", count: 3 }, { id: "tech", name: "Tech" }] } });
    await expect(listCategories()).resolves.toEqual([
      { slug: "fitness", name: "Fitness" },
      { slug: "humor", name: "Humor & comedy", count: 3 },
      { slug: "tech", name: "Tech", count: undefined },
    ]);
  });

  it("wraps bare personas in the purchases list", async () => {
    mockFetch({
      "GET /api/users/me/purchases": {
        body: { items: [{ persona: { id: "p1", price_cents: 500, currency: "USD" }, acquired_at: "2024-01-01" }, { id: "p2", price_cents: 0, currency: "EUR", created_at: "x" }], next_cursor: null },
      },
    });
    const page = await listMyPurchases();
    expect(page.items[0]).toMatchObject({ persona: { id: "p1" }, acquired_at: "2024-01-01", price_cents: 500 });
    expect(page.items[1]).toMatchObject({ persona: { id: "p2" }, price_cents: 0, currency: "EUR" });
  });

  it("normalizes earnings given as *_cents fields", () => {
    const e = normalizeEarnings({
      currency: "USD",
      pending_cents: 100,
      available_cents: 2600,
      paid_cents: 5000,
      lifetime_cents: 7700,
      by_month: [{ month: "2024-01", amount_cents: 700, currency: "USD" }],
      payout_blockers: ["not_onboarded"],
      minimum_payout_cents: 2500,
    });
    expect(e).toMatchObject({ pending_cents: 100, available_cents: 2600, paid_cents: 5000, lifetime_cents: 7700, minimum_payout_cents: 2500 });
    expect(e.by_month).toEqual([{ month: "2024-01", amount_cents: 700, currency: "USD" }]);
    expect(e.payout_blockers[0]).toEqual({ code: "not_onboarded", message: expect.stringMatching(/Stripe/) });
  });

  it("normalizes earnings given as money objects", async () => {
    mockFetch({
      "GET /api/earnings": {
        body: {
          pending: { amount_cents: 1, currency: "EUR" },
          available: { amount_cents: 2, currency: "EUR" },
          paid: { amount_cents: 3, currency: "EUR" },
          lifetime: { amount_cents: 6, currency: "EUR" },
          by_month: [{ month: "2024-02", cents: 6 }],
          payout_blockers: [{ code: "below_minimum", message: "Below the minimum" }],
        },
      },
    });
    const e = await getEarnings();
    expect(e).toMatchObject({ currency: "EUR", pending_cents: 1, available_cents: 2, paid_cents: 3, lifetime_cents: 6 });
    expect(e.by_month[0]).toEqual({ month: "2024-02", amount_cents: 6, currency: "EUR" });
    expect(e.payout_blockers).toEqual([{ code: "below_minimum", message: "Below the minimum" }]);
    expect(e.minimum_payout_cents).toBeUndefined();
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
        currency: "USD",
        usage_terms: { personal: true, commercial: false, derivatives: true },
      },
      "pending",
      [file],
    );
    expect(fd.get("name")).toBe("N");
    expect(fd.getAll("tags")).toEqual(["a", "b"]);
    expect(fd.get("price_cents")).toBe("999");
    expect(JSON.parse(String(fd.get("usage_terms")))).toEqual({ personal: true, commercial: false, derivatives: true });
    expect(fd.get("status")).toBe("pending");
    expect((fd.get("files") as File).name).toBe("prompt.md");
  });

  it("posts checkout and payout requests", async () => {
    const { calls } = mockFetch({
      "POST /api/payments/create-checkout": { body: { checkout_url: "https://pay.example/s/1", session_id: "s1" } },
      "POST /api/payouts": { status: 201, body: { id: "po1", amount_cents: 3000, currency: "USD", status: "requested", reason: null, created_at: "x" } },
    });
    await expect(createCheckout("p1")).resolves.toEqual({ checkout_url: "https://pay.example/s/1", session_id: "s1" });
    await requestPayout();
    await requestPayout(3000);
    expect(calls[0].body).toEqual({ persona_id: "p1" });
    expect(calls[1].body).toEqual({});
    expect(calls[2].body).toEqual({ amount: 3000 });
  });

  it("asks for statements in the chosen format", async () => {
    const { calls } = mockFetch({ "GET /api/earnings/statements/2024": { body: "a,b" } });
    await downloadStatement(2024, "csv");
    expect(calls[0].url.search).toBe("?format=csv");
  });
});
