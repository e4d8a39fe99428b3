import { describe, expect, it, vi } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { tokenStore } from "../api";
import { browser } from "../lib/browser";
import { renderRoutes } from "./renderRoutes";
import { mockFetch, samplePersona, sampleUser } from "./utils";

function signedIn() {
  window.localStorage.setItem(tokenStore.REFRESH_KEY, "stored-ref");
  return {
    "POST /api/auth/refresh": { body: { access_token: "acc", refresh_token: "ref2", token_type: "Bearer", expires_in: 900 } },
    "GET /api/auth/me": { body: sampleUser },
  };
}

const personaMocks = (over = {}) => ({
  "GET /api/personas/p1": { body: samplePersona(over) },
  "GET /api/personas/p1/versions": {
    body: {
      items: [{ version: "1.0.0", changelog: "First release", created_at: "2024-02-01T00:00:00Z", downloads: 3, files: [{ path: "prompt.md", size: 12, content_type: "text/markdown", sha256: "ab" }] }],
      next_cursor: null,
    },
  },
  "GET /api/personas/p1/preview": {
    body: { version: "1.0.0", files: [{ path: "samples/style.md", content_type: "text/markdown", size: 10, content: "Be upbeat!", truncated: false }] },
  },
  "GET /api/personas/p1/reviews": {
    body: {
      items: [
        {
          id: "r1",
          persona_id: "p1",
          author: { id: "u9", username: "bea" },
          rating: 5,
          body: "Love it",
          verified_purchase: true,
          helpful_count: 2,
          voted_helpful: false,
          response: { body: "Thanks Bea!", created_at: "2024-03-01T00:00:00Z" },
          created_at: "2024-02-10T00:00:00Z",
          updated_at: "2024-02-10T00:00:00Z",
        },
      ],
      next_cursor: null,
    },
  },
  "GET /api/users/coachcarla": { body: { id: "c1", username: "coachcarla", bio: null, website: null, avatar_url: null, social_links: null, followers_count: 10, following_count: 0, created_at: "2024-01-01T00:00:00Z", is_following: false } },
});

describe("marketplace", () => {
  it("lists personas with filters from the URL and loads more", async () => {
    const { calls } = mockFetch({
      "GET /api/categories": { body: { items: [{ slug: "fitness", name: "Fitness", count: 1 }], next_cursor: null } },
      "GET /api/tags": { body: { items: [], next_cursor: null } },
      "GET /api/personas": ({ url }) =>
        url.searchParams.get("cursor")
          ? { body: { items: [samplePersona({ id: "p2", name: "Second" })], next_cursor: null } }
          : { body: { items: [samplePersona()], next_cursor: "next1" } },
    });
    renderRoutes("/marketplace?category=fitness&sort=rating");
    expect(await screen.findByRole("link", { name: "Cheerful coach" })).toBeInTheDocument();
    const first = calls.find((c) => c.url.pathname === "/api/personas")!;
    expect(first.url.searchParams.getAll("category")).toEqual(["fitness"]);
    expect(first.url.searchParams.get("sort")).toBe("rating");
    const card = screen.getByRole("link", { name: "Cheerful coach" }).closest("article")!;
    expect(within(card).getByText("$9.99")).toBeInTheDocument();
    await userEvent.setup().click(screen.getByRole("button", { name: "Load more" }));
    expect(await screen.findByRole("link", { name: "Second" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Load more" })).not.toBeInTheDocument();
  });

  it("shows an empty state", async () => {
    mockFetch({
      "GET /api/categories": { body: { items: [], next_cursor: null } },
      "GET /api/tags": { body: { items: [], next_cursor: null } },
      "GET /api/personas": { body: { items: [], next_cursor: null } },
    });
    renderRoutes("/marketplace?q=zzz");
    expect(await screen.findByText("No personas match your filters")).toBeInTheDocument();
  });

  it("shows an error state with retry", async () => {
    mockFetch({
      "GET /api/categories": { body: { items: [], next_cursor: null } },
      "GET /api/tags": { body: { items: [], next_cursor: null } },
      "GET /api/personas": { status: 500, body: { title: "Internal error" } },
    });
    renderRoutes("/marketplace");
    expect(await screen.findByRole("button", { name: "Try again" })).toBeInTheDocument();
  });
});

describe("persona page", () => {
  it("sends buyers to Stripe Checkout", async () => {
    const assign = vi.spyOn(browser, "assign").mockImplementation(() => undefined);
    const { calls } = mockFetch({
      ...signedIn(),
      ...personaMocks(),
      "POST /api/payments/create-checkout": { body: { checkout_url: "https://checkout.example/s/cs_1", session_id: "cs_1" } },
    });
    renderRoutes("/marketplace/p1");
    const buy = await screen.findByRole("button", { name: "Buy for $9.99" });
    expect(await screen.findByText("✓ Verified purchase")).toBeInTheDocument();
    expect(screen.getByText("Thanks Bea!")).toBeInTheDocument();
    expect(await screen.findByText("Be upbeat!")).toBeInTheDocument();
    expect(screen.getByText("First release")).toBeInTheDocument();
    await userEvent.setup().click(buy);
    await waitFor(() => expect(assign).toHaveBeenCalledWith("https://checkout.example/s/cs_1"));
    expect(calls.find((c) => c.url.pathname === "/api/payments/create-checkout")?.body).toEqual({ persona_id: "p1" });
    // on its way to Checkout: no second click, so no second session
    expect(screen.getByRole("button", { name: "Opening checkout…" })).toBeDisabled();
    expect(screen.queryByRole("button", { name: "Buy for $9.99" })).not.toBeInTheDocument();
  });

  it("offers Download and a review form to entitled users", async () => {
    const { calls } = mockFetch({
      ...signedIn(),
      ...personaMocks({ entitled: true }),
      "POST /api/personas/p1/reviews": { status: 201, body: { id: "r2" } },
    });
    renderRoutes("/marketplace/p1");
    expect(await screen.findByRole("button", { name: "Download" })).toBeInTheDocument();
    const user = userEvent.setup();
    await user.click(screen.getByRole("radio", { name: "4 stars" }));
    await user.type(screen.getByLabelText(/Your review/), "Solid");
    await user.click(screen.getByRole("button", { name: "Post review" }));
    await waitFor(() => expect(calls.find((c) => c.method === "POST" && c.url.pathname === "/api/personas/p1/reviews")?.body).toEqual({ rating: 4, body: "Solid" }));
  });

  it("lets free personas be acquired", async () => {
    const { calls } = mockFetch({
      ...signedIn(),
      ...personaMocks({ price_cents: 0 }),
      "GET /api/personas/p1": [{ body: samplePersona({ price_cents: 0 }) }, { body: samplePersona({ price_cents: 0, entitled: true }) }],
      "POST /api/personas/p1/acquire": { body: { entitled: true } },
    });
    renderRoutes("/marketplace/p1");
    await userEvent.setup().click(await screen.findByRole("button", { name: "Get it free" }));
    expect(await screen.findByRole("button", { name: "Download" })).toBeInTheDocument();
    expect(calls.some((c) => c.method === "POST" && c.url.pathname === "/api/personas/p1/acquire")).toBe(true);
  });
});

describe("earnings", () => {
  it("explains the minimum, lists blockers and disables payouts", async () => {
    mockFetch({
      ...signedIn(),
      "GET /api/earnings": {
        body: {
          currency: "usd",
          pending: 1200,
          available: 900,
          paid: 0,
          lifetime: 2100,
          balance: 2100,
          in_flight: 0,
          by_month: [
            { month: "2024-01", gross: 1286, fees: 386, refunds: 0, net: 900 },
            { month: "2024-02", gross: 1714, fees: 514, refunds: 0, net: 1200 },
          ],
          payout_blockers: [{ code: "not_onboarded", message: "Connect a Stripe account to receive payouts." }],
          can_request_payout: false,
          onboarded: false,
          minimum_payout: 2500,
          holding_days: 7,
          next_available_at: null,
          currencies: ["usd"],
        },
      },
      "GET /api/earnings/transactions": {
        body: {
          items: [
            {
              id: "7",
              type: "sale",
              description: "Sale",
              transaction_id: "t1",
              payout_id: null,
              reference: null,
              persona_id: "p1",
              gross: 999,
              fee: 300,
              amount: 699,
              currency: "usd",
              status: "pending",
              reason: null,
              available_at: "2099-01-08T00:00:00Z",
              created_at: "2099-01-01T00:00:00Z",
            },
          ],
          next_cursor: null,
        },
      },
      "GET /api/users/me/personas": { body: { items: [samplePersona()], next_cursor: null } },
      "GET /api/payouts": {
        body: {
          items: [
            {
              id: "po1",
              amount: 3000,
              currency: "usd",
              status: "failed",
              reason: "Bank account closed",
              failure_code: "account_closed",
              reversed_amount: 3000,
              stripe_transfer: null,
              created_at: "2024-01-05T00:00:00Z",
              settled_at: "2024-01-06T00:00:00Z",
            },
          ],
          next_cursor: null,
        },
      },
    });
    renderRoutes("/dashboard/earnings");
    expect(await screen.findByText("Connect a Stripe account to receive payouts.")).toBeInTheDocument();
    expect(screen.getByText("$25.00")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Request payout" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Connect Stripe to get paid" })).toBeEnabled();
    expect(screen.getByRole("img", { name: /Net earnings by month/ })).toBeInTheDocument();
    expect(await screen.findByText("Bank account closed")).toBeInTheDocument();
    // The ledger line names the persona (from the creator's own list) and shows the 70% share.
    expect(await screen.findByRole("link", { name: "Cheerful coach" })).toBeInTheDocument();
    expect(screen.getByText("$6.99")).toBeInTheDocument();
    expect(screen.getByText("-$3.00")).toBeInTheDocument();
  });
});

describe("checkout success", () => {
  it("polls the session's purchase until the webhook completes it", async () => {
    const payment = (status: string) => ({
      id: "t1",
      persona_id: "p1",
      persona_name: "Cheerful coach",
      amount: 999,
      currency: "usd",
      tax: 0,
      total: 999,
      status,
      created_at: "2024-02-01T00:00:00Z",
      completed_at: status === "completed" ? "2024-02-01T00:01:00Z" : null,
      refunded_amount: 0,
      receipt:
        status === "completed"
          ? {
              number: "CP-20240201-T1",
              paid_at: "2024-02-01T00:01:00Z",
              description: "Cheerful coach",
              subtotal: 999,
              tax: 0,
              total: 999,
              currency: "usd",
              payment_method: "visa •••• 4242",
              refunded_amount: 0,
              refunds: [],
              stripe_receipt_url: null,
            }
          : null,
    });
    const { calls } = mockFetch({
      ...signedIn(),
      "GET /api/payments/sessions/cs_1": [{ body: payment("pending") }, { body: payment("completed") }],
    });
    renderRoutes("/checkout/success?session_id=cs_1");
    expect(await screen.findByText("Confirming your payment…")).toBeInTheDocument();
    const link = await screen.findByRole("link", { name: "Go to the persona and download" }, { timeout: 5000 });
    expect(link).toHaveAttribute("href", "/marketplace/p1");
    expect(screen.getByRole("status")).toHaveTextContent("Cheerful coach is now in your library ($9.99, paid with visa •••• 4242)");
    expect(calls.filter((c) => c.url.pathname === "/api/payments/sessions/cs_1")).toHaveLength(2);
  });
});

describe("admin", () => {
  const adminSession = () => ({ ...signedIn(), "GET /api/auth/me": { body: { ...sampleUser, roles: ["user", "admin"] } } });

  it("resolves a report with catalog's actions", async () => {
    const { calls } = mockFetch({
      ...adminSession(),
      "GET /api/admin/reports": {
        body: {
          items: [
            {
              id: "rep1",
              target_type: "persona",
              target_id: "p1",
              persona_id: "p1",
              reason: "spam",
              details: null,
              reporter: { id: "u2", username: "bea" },
              status: "open",
              action: null,
              note: null,
              created_at: "2024-02-01T00:00:00Z",
              resolved_at: null,
            },
          ],
          next_cursor: null,
        },
      },
      "POST /api/admin/reports/rep1/resolve": { body: { id: "rep1", status: "resolved", action: "take_down" } },
    });
    renderRoutes("/admin?tab=reports");
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Resolve report rep1" }));
    await user.selectOptions(screen.getByLabelText("Outcome"), "take_down");
    await user.click(screen.getByRole("button", { name: "Mark resolved" }));
    await waitFor(() => expect(calls.find((c) => c.url.pathname === "/api/admin/reports/rep1/resolve")?.body).toEqual({ action: "take_down" }));
  });
});

describe("selling", () => {
  it("offers only a draft until the e-mail address is verified", async () => {
    mockFetch({
      ...signedIn(),
      "GET /api/auth/me": { body: { ...sampleUser, email_verified: false } },
      "GET /api/categories": { body: { items: [{ slug: "fitness", name: "Fitness", count: 0 }], next_cursor: null } },
    });
    renderRoutes("/marketplace/submit");
    expect(await screen.findByRole("button", { name: "Save draft" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Submit for review" })).not.toBeInTheDocument();
    expect(screen.getByText(/Verify your e-mail address/)).toBeInTheDocument();
  });
});

describe("e-mail verification", () => {
  it("verifies after the session resumes, then gets a token that carries the new claim", async () => {
    const { calls } = mockFetch({
      ...signedIn(),
      "GET /api/auth/me": [{ body: { ...sampleUser, email_verified: false } }, { body: sampleUser }],
      "POST /api/auth/verify-email": { status: 204, body: "" },
    });
    renderRoutes("/verify-email?token=tok-1");
    expect(await screen.findByText("Your e-mail address is verified. Thank you!")).toBeInTheDocument();
    await waitFor(() => expect(calls.filter((c) => c.url.pathname === "/api/auth/me")).toHaveLength(2));
    // the header's bell opens its notification stream meanwhile: not part of this order
    const auth = calls.filter((c) => c.url.pathname !== "/api/notifications/stream");
    const order = auth.map((c) => `${c.method} ${c.url.pathname}`);
    const verify = order.indexOf("POST /api/auth/verify-email");
    expect(order.slice(0, verify)).toEqual(["POST /api/auth/refresh", "GET /api/auth/me"]);
    expect(order.slice(verify + 1)).toEqual(["POST /api/auth/refresh", "GET /api/auth/me"]);
    expect(auth[verify].body).toEqual({ token: "tok-1" });
  });
});

describe("profile page", () => {
  it("saves the bio without asking for the password", async () => {
    const { calls } = mockFetch({
      ...signedIn(),
      "PUT /api/users/me/profile": { body: { ...sampleUser, bio: "Hello" } },
    });
    renderRoutes("/dashboard/profile");
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText(/^Bio/), "Hello");
    expect(screen.queryByLabelText(/Current password/)).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Save profile" }));
    await waitFor(() => expect(calls.find((c) => c.method === "PUT")?.body).toMatchObject({ bio: "Hello", email: "ada@example.com" }));
    expect(calls.find((c) => c.method === "PUT")?.body).not.toHaveProperty("current_password");
  });

  it("asks for the current password when the e-mail changes and shows the API's error", async () => {
    const { calls } = mockFetch({
      ...signedIn(),
      "PUT /api/users/me/profile": {
        status: 422,
        body: { title: "Unprocessable", detail: "The current password is incorrect.", code: "invalid_current_password", errors: [{ field: "current_password", message: "The current password is incorrect." }] },
      },
    });
    renderRoutes("/dashboard/profile");
    const user = userEvent.setup();
    const email = await screen.findByLabelText(/^E-mail/);
    await user.clear(email);
    await user.type(email, "ada.new@example.com");
    const password = screen.getByLabelText(/Current password/);
    expect(password).toHaveAttribute("type", "password");
    expect(password).toBeRequired();

    await user.click(screen.getByRole("button", { name: "Save profile" }));
    expect(await screen.findByText("Enter your current password to change your e-mail.")).toBeInTheDocument();
    expect(calls.some((c) => c.method === "PUT")).toBe(false);

    await user.type(password, "wrong-password");
    await user.click(screen.getByRole("button", { name: "Save profile" }));
    expect(await screen.findByText("The current password is incorrect.")).toBeInTheDocument();
    expect(password).toHaveAttribute("aria-invalid", "true");
    expect(calls.find((c) => c.method === "PUT")?.body).toMatchObject({ email: "ada.new@example.com", current_password: "wrong-password" });
  });
});
