#!/usr/bin/env node
// A small in-memory stand-in for the API gateway, for working on the UI
// before the backend runs: `npm run mock-api` then `npm run dev:mock`.
// It follows the contract in shared/DESIGN.md §5 loosely; it is not a test
// oracle. Any e-mail logs in with password "password123"; "admin@example.com"
// gets the admin role.

import http from "node:http";
import { randomUUID } from "node:crypto";

const PORT = Number(process.env.MOCK_API_PORT ?? 8765);

const now = Date.now();
const daysAgo = (d) => new Date(now - d * 86400000).toISOString();

const categories = [
  { slug: "fitness", name: "Fitness" },
  { slug: "comedy", name: "Comedy" },
  { slug: "business", name: "Business" },
  { slug: "education", name: "Education" },
  { slug: "lifestyle", name: "Lifestyle" },
  { slug: "gaming", name: "Gaming" },
];

const users = new Map();
function addUser(email, username, roles = ["user"]) {
  const u = {
    id: randomUUID(),
    email,
    username,
    roles,
    email_verified: true,
    bio: `Hi, I'm ${username}. I write for creators.`,
    website: `https://${username}.example`,
    avatar_url: null,
    social_links: { instagram: `https://instagram.example/${username}` },
    followers_count: 12,
    following_count: 3,
    created_at: daysAgo(400),
  };
  users.set(u.id, u);
  return u;
}
const demo = addUser("demo@example.com", "demo");
const admin = addUser("admin@example.com", "admin", ["user", "admin"]);
const carla = addUser("carla@example.com", "coachcarla");
const follows = new Set();

const names = [
  ["Cheerful fitness coach", "fitness", 999, "Upbeat, encouraging captions for workout posts."],
  ["Deadpan comedian", "comedy", 0, "Dry one-liners and wry observations."],
  ["LinkedIn thought leader", "business", 1499, "Polished posts that spark discussion."],
  ["Patient science teacher", "education", 499, "Explains hard ideas in simple words."],
  ["Cozy lifestyle vlogger", "lifestyle", 0, "Warm, slow-living scripts and captions."],
  ["Hype esports caster", "gaming", 799, "High-energy play-by-play commentary."],
  ["Minimalist copywriter", "business", 2499, "Short, sharp product copy."],
  ["Stand-up storyteller", "comedy", 599, "Long-form bits with callbacks."],
];
const personas = names.map(([name, category, price, short], i) => ({
  id: `p${i + 1}`,
  name,
  short_description: short,
  description: `${short}\n\nIncludes a system prompt, a style guide and 20 example posts.\nWorks with any chat model.`,
  category,
  tags: ["creator", category, i % 2 ? "short-form" : "long-form"],
  price_cents: price,
  currency: "usd",
  usage_terms: { personal: true, commercial: i % 2 === 0, derivatives: i % 3 === 0 },
  status: "approved",
  rejection_reason: null,
  creator: { id: i % 3 === 0 ? demo.id : carla.id, username: i % 3 === 0 ? demo.username : carla.username },
  rating_avg: i === 4 ? null : 3.5 + ((i * 7) % 15) / 10,
  rating_count: i === 4 ? 0 : 3 + i,
  rating_distribution: i === 4 ? {} : { 5: 2 + i, 4: 1, 3: i % 2 },
  downloads: [1520, 880, 240, 64, 12, 3100, 45, 310][i],
  latest_version: "1.2.0",
  created_at: daysAgo(30 * (i + 1)),
  updated_at: daysAgo(3 * (i + 1)),
}));
personas.push(
  { ...personas[0], id: "p-draft", name: "Half-finished travel guide", status: "draft", creator: { id: demo.id, username: "demo" }, downloads: 0, latest_version: null },
  { ...personas[0], id: "p-rej", name: "Motivational speaker", status: "rejected", rejection_reason: "The examples include someone else's copyrighted text.", creator: { id: demo.id, username: "demo" }, downloads: 0 },
  { ...personas[2], id: "p-pend", name: "Startup pitch coach", status: "pending", creator: { id: demo.id, username: "demo" }, downloads: 0 },
);
const entitlements = new Set([`${demo.id}:p2`, `${demo.id}:p6`]);
const versions = new Map(personas.map((p) => [p.id, [
  { version: "1.2.0", changelog: "Added 10 more example posts and a tone cheat-sheet.", created_at: daysAgo(5) },
  { version: "1.1.0", changelog: "Tighter system prompt.", created_at: daysAgo(40) },
  { version: "1.0.0", changelog: "First release.", created_at: daysAgo(90) },
]]));
const reviews = new Map(personas.map((p) => [p.id, [
  { id: randomUUID(), persona_id: p.id, author: { id: carla.id, username: "coachcarla" }, rating: 5, body: "Exactly the voice I needed. My engagement went up!", verified_purchase: true, helpful_count: 4, response: { body: "Thank you so much!", created_at: daysAgo(2) }, created_at: daysAgo(10) },
  { id: randomUUID(), persona_id: p.id, author: { id: admin.id, username: "admin" }, rating: 4, body: "Good, a little repetitive after a while.", verified_purchase: false, helpful_count: 1, response: null, created_at: daysAgo(20) },
]]));
const reports = [{ id: "rep1", target_type: "persona", target_id: "p3", reason: "misleading", details: "Description promises 50 examples, there are 20.", reporter: { id: demo.id, username: "demo" }, status: "open", created_at: daysAgo(1) }];
function purchase(id, personaId) {
  const p = personas.find((x) => x.id === personaId) ?? personas[0];
  return {
    id, persona_id: p.id, persona_name: p.name, amount: p.price_cents, currency: p.currency, tax: 0, total: p.price_cents, status: "completed",
    created_at: daysAgo(7), completed_at: daysAgo(7), refunded_amount: 0,
    receipt: { number: `CP-MOCK-${String(id).slice(0, 8).toUpperCase()}`, paid_at: daysAgo(7), description: p.name, subtotal: p.price_cents, tax: 0, total: p.price_cents, currency: p.currency, payment_method: "visa •••• 4242", refunded_amount: 0, refunds: [], stripe_receipt_url: null },
  };
}
const adminPayments = [
  { ...purchase("pay_1", "p6"), buyer_id: "u-demo", creator_id: "u-carla", fee_rate_bps: 3000, platform_fee: 240, creator_revenue: 559, creator_refunded: 0, refundable: 799, refunds: [], dispute: null, failure_reason: null, stripe_session_id: "cs_old", stripe_payment_intent: "pi_1", stripe_charge: "ch_1", updated_at: daysAgo(7) },
];
const payouts = [
  { id: "po1", amount: 4200, currency: "usd", status: "paid", reason: null, failure_code: null, reversed_amount: 0, stripe_transfer: "tr_1", created_at: daysAgo(60), settled_at: daysAgo(58) },
  { id: "po2", amount: 3000, currency: "usd", status: "failed", reason: "The bank account was closed.", failure_code: "account_closed", reversed_amount: 3000, stripe_transfer: null, created_at: daysAgo(20), settled_at: daysAgo(19) },
];

const sessions = new Map(); // token -> user id
const refreshTokens = new Map();

function withUser(p, uid) {
  return { ...p, entitled: !!uid && (entitlements.has(`${uid}:${p.id}`) || p.creator.id === uid) };
}

function send(res, status, body, headers = {}) {
  const isProblem = status >= 400;
  res.writeHead(status, { "Content-Type": isProblem ? "application/problem+json" : "application/json", ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}
const problem = (res, status, title, extra = {}) => send(res, status, { type: "about:blank", title, status, ...extra });

function page(items, url) {
  const limit = Math.min(100, Number(url.searchParams.get("limit") ?? 20));
  const start = Number(url.searchParams.get("cursor") ?? 0);
  const slice = items.slice(start, start + limit);
  return { items: slice, next_cursor: start + limit < items.length ? String(start + limit) : null };
}

function issue(uid) {
  const access = randomUUID();
  const refresh = randomUUID();
  sessions.set(access, uid);
  refreshTokens.set(refresh, uid);
  return { access_token: access, refresh_token: refresh, token_type: "Bearer", expires_in: 900 };
}

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const raw = Buffer.concat(chunks);
  if ((req.headers["content-type"] ?? "").includes("json")) {
    try {
      return JSON.parse(raw.toString() || "{}");
    } catch {
      return {};
    }
  }
  return { _raw: raw.length };
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, "http://localhost");
  const path = url.pathname;
  const m = (re) => path.match(re);
  const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
  const uid = sessions.get(token) ?? null;
  const me = uid ? users.get(uid) : null;
  const body = ["POST", "PUT", "PATCH"].includes(req.method) ? await readBody(req) : {};
  const needAuth = () => (me ? false : (problem(res, 401, "Not authenticated"), true));
  await new Promise((r) => setTimeout(r, 150)); // feel a little like a network

  // auth
  if (req.method === "POST" && path === "/api/auth/login") {
    const u = [...users.values()].find((x) => x.email === body.email);
    if (!u || body.password !== "password123") return problem(res, 401, "Invalid credentials", { detail: "E-mail or password is wrong.", code: "invalid_credentials" });
    return send(res, 200, issue(u.id));
  }
  if (req.method === "POST" && path === "/api/auth/register") {
    const errors = [];
    if ([...users.values()].some((x) => x.email === body.email)) errors.push({ field: "email", message: "This e-mail is already registered." });
    if ((body.password ?? "").length < 8) errors.push({ field: "password", message: "Use at least 8 characters." });
    if (errors.length) return problem(res, 422, "Validation failed", { errors, code: "validation_error" });
    const u = addUser(body.email, body.username);
    u.email_verified = false;
    return send(res, 201, u);
  }
  if (req.method === "POST" && path === "/api/auth/refresh") {
    const id = refreshTokens.get(body.refresh_token);
    if (!id) return problem(res, 401, "Invalid refresh token");
    refreshTokens.delete(body.refresh_token);
    return send(res, 200, issue(id));
  }
  if (req.method === "POST" && path === "/api/auth/logout") return send(res, 204);
  if (req.method === "GET" && path === "/api/auth/me") return needAuth() || send(res, 200, me);
  if (req.method === "POST" && path.startsWith("/api/auth/")) return send(res, 204);

  // users
  if (req.method === "PUT" && path === "/api/users/me/profile") {
    if (needAuth()) return;
    Object.assign(me, Object.fromEntries(Object.entries(body).filter(([k]) => ["username", "email", "bio", "website", "avatar_url", "social_links"].includes(k))));
    return send(res, 200, me);
  }
  if (req.method === "GET" && path === "/api/users/me/personas") return needAuth() || send(res, 200, page(personas.filter((p) => p.creator.id === uid).map((p) => withUser(p, uid)), url));
  if (req.method === "GET" && path === "/api/users/me/purchases") {
    if (needAuth()) return;
    const owned = personas.filter((p) => entitlements.has(`${uid}:${p.id}`)).map((p) => ({ persona: withUser(p, uid), acquired_at: daysAgo(7), price_cents: p.price_cents, currency: p.currency }));
    return send(res, 200, page(owned, url));
  }
  let mm;
  if ((mm = m(/^\/api\/users\/([^/]+)\/follow$/))) {
    if (needAuth()) return;
    const key = `${uid}:${mm[1]}`;
    const target = [...users.values()].find((u) => u.username === mm[1]);
    if (req.method === "POST" && !follows.has(key)) (follows.add(key), target && target.followers_count++);
    if (req.method === "DELETE" && follows.has(key)) (follows.delete(key), target && target.followers_count--);
    return send(res, 204);
  }
  if ((mm = m(/^\/api\/users\/([^/]+)$/)) && req.method === "GET") {
    const u = [...users.values()].find((x) => x.username === decodeURIComponent(mm[1]));
    if (!u) return problem(res, 404, "Not found");
    const { email: _e, roles: _r, email_verified: _v, ...pub } = u;
    return send(res, 200, { ...pub, is_following: follows.has(`${uid}:${u.username}`) });
  }

  // catalog
  if (path === "/api/categories") return send(res, 200, page(categories.map((c) => ({ ...c, count: personas.filter((p) => p.category === c.slug && p.status === "approved").length })), url));
  if (path === "/api/tags") return send(res, 200, page([...new Set(personas.flatMap((p) => p.tags))].map((name) => ({ name, count: personas.filter((p) => p.tags.includes(name)).length })), url));
  if (req.method === "GET" && path === "/api/personas") {
    const sp = url.searchParams;
    let list = personas.filter((p) => p.status === "approved");
    const q = sp.get("q")?.toLowerCase();
    if (q) list = list.filter((p) => `${p.name} ${p.short_description} ${p.tags.join(" ")}`.toLowerCase().includes(q));
    const cats = sp.getAll("category");
    if (cats.length) list = list.filter((p) => cats.includes(p.category));
    if (sp.get("creator")) list = list.filter((p) => p.creator.username === sp.get("creator") || p.creator.id === sp.get("creator"));
    if (sp.get("tag")) list = list.filter((p) => p.tags.includes(sp.get("tag")));
    if (sp.get("price") === "free") list = list.filter((p) => p.price_cents === 0);
    if (sp.get("price") === "paid") list = list.filter((p) => p.price_cents > 0);
    if (sp.get("min_rating")) list = list.filter((p) => (p.rating_avg ?? 0) >= Number(sp.get("min_rating")));
    if (sp.get("min_downloads")) list = list.filter((p) => p.downloads >= Number(sp.get("min_downloads")));
    if (sp.get("max_downloads")) list = list.filter((p) => p.downloads <= Number(sp.get("max_downloads")));
    const sort = sp.get("sort");
    const by = { downloads: (a, b) => b.downloads - a.downloads, rating: (a, b) => (b.rating_avg ?? 0) - (a.rating_avg ?? 0), newest: (a, b) => b.created_at.localeCompare(a.created_at), price: (a, b) => a.price_cents - b.price_cents, price_desc: (a, b) => b.price_cents - a.price_cents, trending: (a, b) => b.downloads - a.downloads };
    if (by[sort]) list = [...list].sort(by[sort]);
    return send(res, 200, page(list.map((p) => withUser(p, uid)), url));
  }
  if (req.method === "POST" && path === "/api/personas") {
    if (needAuth()) return;
    const p = { ...personas[0], id: randomUUID(), name: "New persona", status: "draft", creator: { id: uid, username: me.username }, downloads: 0, rating_avg: null, rating_count: 0, rating_distribution: {}, created_at: new Date().toISOString(), updated_at: new Date().toISOString() };
    personas.push(p);
    return send(res, 201, withUser(p, uid));
  }
  if ((mm = m(/^\/api\/personas\/([^/]+)(?:\/(.*))?$/))) {
    const p = personas.find((x) => x.id === mm[1]);
    if (!p) return problem(res, 404, "Not found");
    const sub = mm[2] ?? "";
    if (!sub && req.method === "GET") return send(res, 200, withUser(p, uid));
    if (!sub && req.method === "PATCH") {
      if (needAuth()) return;
      Object.assign(p, body, { updated_at: new Date().toISOString() });
      return send(res, 200, withUser(p, uid));
    }
    if (!sub && req.method === "DELETE") return (personas.splice(personas.indexOf(p), 1), send(res, 204));
    if (sub === "submit" && req.method === "POST") {
      if (needAuth()) return;
      Object.assign(p, { status: "pending", submitted_at: new Date().toISOString(), updated_at: new Date().toISOString() });
      return send(res, 200, withUser(p, uid));
    }
    if (sub === "versions" && req.method === "GET") return send(res, 200, page(versions.get(p.id) ?? [], url));
    if (sub === "versions" && req.method === "POST") return send(res, 201, { version: "9.9.9", changelog: "", created_at: new Date().toISOString() });
    if (sub === "preview") return send(res, 200, { version: p.latest_version, files: [
      { path: "samples/style-guide.md", content_type: "text/markdown", size: 120, truncated: false, content: `# ${p.name}\n\nTone: warm, direct, a little playful.\nAlways end with a question to invite replies.` },
      { path: "examples/post-01.txt", content_type: "text/plain", size: 70, truncated: false, content: "Monday check-in! What's one small win you're proud of this week? 💪" },
    ] });
    if (sub === "reviews" && req.method === "GET") return send(res, 200, page(reviews.get(p.id) ?? [], url));
    if (sub === "reviews" && req.method === "POST") {
      if (needAuth()) return;
      if (!body.rating) return problem(res, 422, "Validation failed", { errors: [{ field: "rating", message: "Pick 1 to 5 stars." }] });
      const list = reviews.get(p.id);
      const r = { id: randomUUID(), persona_id: p.id, author: { id: uid, username: me.username }, rating: body.rating, body: body.body, verified_purchase: true, helpful_count: 0, response: null, created_at: new Date().toISOString() };
      list.unshift(r);
      return send(res, 201, r);
    }
    if (sub === "acquire") return needAuth() || (entitlements.add(`${uid}:${p.id}`), send(res, 200, { persona_id: p.id, entitled: true, source: "free" }));
    if (sub === "download") {
      if (needAuth()) return;
      res.writeHead(200, { "Content-Type": "application/zip", "Content-Disposition": `attachment; filename="${p.id}.zip"` });
      return res.end(Buffer.from("PK\u0005\u0006" + "\0".repeat(18), "binary"));
    }
    if (sub === "report") return send(res, 204);
  }
  if ((mm = m(/^\/api\/reviews\/([^/]+)\/(helpful|report|response)$/))) {
    if (needAuth()) return;
    if (mm[2] === "response") {
      for (const list of reviews.values()) for (const r of list) if (r.id === mm[1]) r.response = { body: body.body, created_at: new Date().toISOString() };
    }
    if (mm[2] === "helpful") for (const list of reviews.values()) for (const r of list) if (r.id === mm[1]) r.helpful_count++;
    return send(res, 204);
  }

  // admin
  if (path.startsWith("/api/admin/")) {
    if (needAuth()) return;
    if (!me.roles.includes("admin")) return problem(res, 403, "Forbidden");
    if (path === "/api/admin/moderation") return send(res, 200, page(personas.filter((p) => p.status === "pending"), url));
    if (path === "/api/admin/reports") return send(res, 200, page(reports, url));
    if ((mm = m(/^\/api\/admin\/personas\/([^/]+)\/(approve|reject)$/))) {
      const p = personas.find((x) => x.id === mm[1]);
      if (p) Object.assign(p, mm[2] === "approve" ? { status: "approved" } : { status: "rejected", rejection_reason: body.reason });
      return send(res, 204);
    }
    if ((mm = m(/^\/api\/admin\/reports\/([^/]+)\/resolve$/))) {
      const r = reports.find((x) => x.id === mm[1]);
      if (r) r.status = "resolved";
      return send(res, 204);
    }
    if ((mm = m(/^\/api\/admin\/payments\/([^/]+)\/refund$/))) {
      const t = adminPayments.find((x) => x.id === mm[1]);
      if (!t) return problem(res, 404, "Not found");
      t.refunded_amount = t.total;
      t.refundable = 0;
      t.status = "refunded";
      return send(res, 200, t);
    }
    if (path === "/api/admin/payments") return send(res, 200, page(adminPayments, url));
  }

  // payments and payouts
  if (path === "/api/payments/create-checkout") return needAuth() || send(res, 200, { checkout_url: `/checkout/success?session_id=cs_mock_${body.persona_id}`, session_id: `cs_mock_${body.persona_id}`, transaction_id: randomUUID() });
  if (path === "/api/payments/history") {
    if (needAuth()) return;
    return send(res, 200, page([purchase("pay_1", "p6")], url));
  }
  if ((mm = m(/^\/api\/payments\/sessions\/cs_mock_(.+)$/))) {
    if (needAuth()) return;
    return send(res, 200, purchase(randomUUID(), mm[1]));
  }
  if (path === "/api/earnings") {
    if (needAuth()) return;
    return send(res, 200, {
      currency: "usd",
      pending: 1540,
      available: 3190,
      paid: 4200,
      lifetime: 8930,
      balance: 4730,
      in_flight: 0,
      by_month: Array.from({ length: 6 }, (_, i) => {
        const d = new Date(now);
        d.setUTCDate(1);
        d.setUTCMonth(d.getUTCMonth() - (5 - i));
        const net = [800, 1500, 900, 2100, 1830, 1800][i];
        const gross = Math.round(net / 0.7);
        return { month: d.toISOString().slice(0, 7), gross, fees: gross - net, refunds: 0, net };
      }),
      payout_blockers: [],
      can_request_payout: true,
      onboarded: true,
      minimum_payout: 2500,
      holding_days: 7,
      next_available_at: daysAgo(-5),
      currencies: ["usd"],
    });
  }
  if (path === "/api/earnings/transactions") {
    if (needAuth()) return;
    const line = (id, type, description, personaId, gross, fee, amount, status, created, available) => ({
      id, type, description, transaction_id: randomUUID(), payout_id: null, reference: null, persona_id: personaId, gross, fee, amount, currency: "usd", status, reason: null, available_at: available, created_at: created,
    });
    return send(res, 200, page([
      line("3", "sale", "Sale", personas[0].id, 999, 300, 699, "pending", daysAgo(2), daysAgo(-5)),
      line("2", "sale", "Sale", personas[2].id, 1499, 450, 1049, "available", daysAgo(12), daysAgo(5)),
      line("1", "refund", "Refund", personas[0].id, -999, -300, -699, "settled", daysAgo(15), null),
    ], url));
  }
  if (path === "/api/payouts" && req.method === "GET") return needAuth() || send(res, 200, page(payouts, url));
  if (path === "/api/payouts" && req.method === "POST") {
    if (needAuth()) return;
    const p = { id: randomUUID(), amount: body.amount ?? 3190, currency: "usd", status: "requested", reason: "The transfer to your Stripe account is being made.", failure_code: null, reversed_amount: 0, stripe_transfer: null, created_at: new Date().toISOString(), settled_at: null };
    payouts.unshift(p);
    return send(res, 201, p);
  }
  if (path === "/api/payouts/onboarding") return needAuth() || send(res, 200, { url: "/dashboard/earnings?onboarded=1", expires_at: 0, stripe_account: "acct_mock", onboarded: true });
  if ((mm = m(/^\/api\/earnings\/statements\/(\d{4})$/))) {
    if (needAuth()) return;
    res.writeHead(200, { "Content-Type": "text/csv", "Content-Disposition": `attachment; filename="statement-${mm[1]}.csv"` });
    return res.end("date,type,amount_cents\n");
  }

  problem(res, 404, "Not found", { detail: `${req.method} ${path} is not mocked` });
});

server.listen(PORT, "127.0.0.1", () => {
  console.log(`mock API on http://127.0.0.1:${PORT} — log in as demo@example.com / password123`);
});
