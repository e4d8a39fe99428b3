// Every endpoint of the public API, typed. Pages and components call
// these, never fetch directly.

import { request, upload, type BlobResult, type UploadOptions } from "./client";
import type { QueryInit } from "./query";
import type {
  AcquireResult,
  Category,
  CheckoutSession,
  Collection,
  Earnings,
  EarningTransaction,
  ListParams,
  LoginInput,
  ModerationItem,
  MonthEarnings,
  NewVersionInput,
  OnboardingLink,
  Page,
  Payment,
  Payout,
  PayoutBlocker,
  Persona,
  PersonaFilters,
  PersonaInput,
  PersonaPreview,
  PersonaVersion,
  ProfileInput,
  PublicProfile,
  Purchase,
  RegisterInput,
  Report,
  ReportInput,
  ResolveReportInput,
  Review,
  ReviewInput,
  StatementFormat,
  SubmitIntent,
  Tag,
  TokenPair,
  User,
} from "./types";

const enc = encodeURIComponent;

// ---------------------------------------------------------------- shape helpers

/** Accept `{items, next_cursor}` (the contract) or a bare array. */
export function asPage<T>(data: unknown): Page<T> {
  if (Array.isArray(data)) return { items: data as T[], next_cursor: null };
  if (data && typeof data === "object" && Array.isArray((data as Page<T>).items)) {
    const p = data as Page<T>;
    return { items: p.items, next_cursor: p.next_cursor ?? null };
  }
  return { items: [], next_cursor: null };
}

function listQuery(params?: ListParams, extra?: QueryInit): QueryInit {
  return { ...extra, limit: params?.limit, cursor: params?.cursor ?? undefined };
}

async function getPage<T>(path: string, query?: QueryInit): Promise<Page<T>> {
  return asPage<T>(await request<unknown>(path, { query }));
}

// ---------------------------------------------------------------- auth

export function register(input: RegisterInput): Promise<User> {
  return request<User>("/api/auth/register", { method: "POST", body: input, auth: false });
}

export function login(input: LoginInput): Promise<TokenPair> {
  return request<TokenPair>("/api/auth/login", { method: "POST", body: input, auth: false });
}

export function refreshTokens(refreshToken: string): Promise<TokenPair> {
  return request<TokenPair>("/api/auth/refresh", { method: "POST", body: { refresh_token: refreshToken }, auth: false });
}

export function logout(refreshToken: string): Promise<void> {
  return request<void>("/api/auth/logout", { method: "POST", body: { refresh_token: refreshToken }, responseType: "none" });
}

export function getMe(): Promise<User> {
  return request<User>("/api/auth/me");
}

export function verifyEmail(token: string): Promise<void> {
  return request<void>("/api/auth/verify-email", { method: "POST", body: { token }, auth: false, responseType: "none" });
}

export function requestPasswordReset(email: string): Promise<void> {
  return request<void>("/api/auth/password-reset/request", {
    method: "POST",
    body: { email },
    auth: false,
    responseType: "none",
  });
}

export function confirmPasswordReset(token: string, password: string): Promise<void> {
  return request<void>("/api/auth/password-reset/confirm", {
    method: "POST",
    body: { token, password },
    auth: false,
    responseType: "none",
  });
}

// ---------------------------------------------------------------- users

export function updateProfile(input: ProfileInput): Promise<User> {
  return request<User>("/api/users/me/profile", { method: "PUT", body: input });
}

export function getPublicProfile(username: string): Promise<PublicProfile> {
  return request<PublicProfile>(`/api/users/${enc(username)}`);
}

/** Personas of a public profile, whichever shape the API sent. */
export function profilePersonas(profile: PublicProfile): Persona[] {
  return profile.personas ? asPage<Persona>(profile.personas).items : [];
}

export function followUser(username: string): Promise<void> {
  return request<void>(`/api/users/${enc(username)}/follow`, { method: "POST", responseType: "none" });
}

export function unfollowUser(username: string): Promise<void> {
  return request<void>(`/api/users/${enc(username)}/follow`, { method: "DELETE", responseType: "none" });
}

export function listMyPersonas(params?: ListParams & { status?: string }): Promise<Page<Persona>> {
  return getPage<Persona>("/api/users/me/personas", listQuery(params, { status: params?.status }));
}

/**
 * The buyer's library. Accepts items that are either `{persona, acquired_at, ...}`
 * or bare personas (then wrapped).
 */
export async function listMyPurchases(params?: ListParams): Promise<Page<Purchase>> {
  const page = await getPage<unknown>("/api/users/me/purchases", listQuery(params));
  return { ...page, items: page.items.map(normalizePurchase) };
}

export function normalizePurchase(raw: unknown): Purchase {
  const r = raw as Record<string, unknown>;
  if (r && typeof r === "object" && r.persona && typeof r.persona === "object") {
    const persona = r.persona as Persona;
    return {
      persona,
      acquired_at: String(r.acquired_at ?? r.purchased_at ?? r.created_at ?? persona.created_at ?? ""),
      price_cents: Number(r.price_cents ?? r.amount_cents ?? persona.price_cents ?? 0),
      currency: String(r.currency ?? persona.currency ?? "USD"),
      payment_id: (r.payment_id as string | undefined) ?? null,
    };
  }
  const persona = r as unknown as Persona;
  return {
    persona,
    acquired_at: String(r.acquired_at ?? r.purchased_at ?? persona.created_at ?? ""),
    price_cents: Number(persona.price_cents ?? 0),
    currency: String(persona.currency ?? "USD"),
    payment_id: (r.payment_id as string | undefined) ?? null,
  };
}

// ---------------------------------------------------------------- personas

export function personaFiltersToQuery(filters: PersonaFilters): QueryInit {
  return {
    q: filters.q?.trim() || undefined,
    category: filters.category && filters.category.length ? filters.category : undefined,
    tag: filters.tag?.trim() || undefined,
    min_rating: filters.min_rating,
    min_downloads: filters.min_downloads,
    max_downloads: filters.max_downloads,
    created_after: filters.created_after,
    created_before: filters.created_before,
    price: filters.price,
    creator: filters.creator,
    sort: filters.sort,
  };
}

export function listPersonas(filters: PersonaFilters = {}, params?: ListParams): Promise<Page<Persona>> {
  return getPage<Persona>("/api/personas", listQuery(params, personaFiltersToQuery(filters)));
}

export function getPersona(id: string): Promise<Persona> {
  return request<Persona>(`/api/personas/${enc(id)}`);
}

/**
 * Multipart encoding of persona metadata (guess, one place to change):
 * plain fields as text, `tags` repeated, `usage_terms` as a JSON string,
 * `status` = "draft" | "pending", each file as a `files` part.
 */
export function personaFormData(input: PersonaInput, intent: SubmitIntent, files: File[]): FormData {
  const fd = new FormData();
  fd.append("name", input.name);
  fd.append("short_description", input.short_description);
  fd.append("description", input.description);
  fd.append("category", input.category);
  for (const t of input.tags) fd.append("tags", t);
  fd.append("price_cents", String(input.price_cents));
  fd.append("currency", input.currency);
  fd.append("usage_terms", JSON.stringify(input.usage_terms));
  fd.append("status", intent);
  for (const f of files) fd.append("files", f, f.name);
  return fd;
}

export function createPersona(
  input: PersonaInput,
  intent: SubmitIntent,
  files: File[],
  opts?: UploadOptions,
): Promise<Persona> {
  return upload<Persona>("/api/personas", personaFormData(input, intent, files), opts);
}

/** PATCH with JSON; `status: "pending"` submits a draft or rejected persona for review (guess). */
export function updatePersona(id: string, patch: Partial<PersonaInput> & { status?: SubmitIntent }): Promise<Persona> {
  return request<Persona>(`/api/personas/${enc(id)}`, { method: "PATCH", body: patch });
}

export function deletePersona(id: string): Promise<void> {
  return request<void>(`/api/personas/${enc(id)}`, { method: "DELETE", responseType: "none" });
}

export function createVersion(id: string, input: NewVersionInput, opts?: UploadOptions): Promise<PersonaVersion> {
  const fd = new FormData();
  fd.append("version", input.version);
  fd.append("changelog", input.changelog);
  for (const f of input.files) fd.append("files", f, f.name);
  return upload<PersonaVersion>(`/api/personas/${enc(id)}/versions`, fd, opts);
}

export async function listVersions(id: string): Promise<PersonaVersion[]> {
  return asPage<PersonaVersion>(await request<unknown>(`/api/personas/${enc(id)}/versions`)).items;
}

/** Accepts `{files: [...]}`, `{items: [...]}` or a bare array. */
export async function getPreview(id: string): Promise<PersonaPreview> {
  const data = await request<unknown>(`/api/personas/${enc(id)}/preview`);
  if (data && typeof data === "object" && Array.isArray((data as PersonaPreview).files)) return data as PersonaPreview;
  return { files: asPage<PersonaPreview["files"][number]>(data).items };
}

export function acquirePersona(id: string): Promise<AcquireResult | undefined> {
  return request<AcquireResult | undefined>(`/api/personas/${enc(id)}/acquire`, { method: "POST" });
}

/** The zip, as a blob (the endpoint needs the bearer token, so no plain link). */
export function downloadPersona(id: string, version?: string): Promise<BlobResult> {
  return request<BlobResult>(`/api/personas/${enc(id)}/download`, {
    query: { version },
    responseType: "blob",
    headers: { Accept: "application/zip, application/octet-stream, */*" },
  });
}

/** Accepts strings, `{slug, name}` or `{id, name}` objects, as an array or page. */
export async function listCategories(): Promise<Category[]> {
  const items = asPage<unknown>(await request<unknown>("/api/categories", { auth: false })).items;
  return items.map((c) => {
    if (typeof c === "string") return { slug: c, name: humanize(c) };
    const o = c as Record<string, unknown>;
    const slug = String(o.slug ?? o.id ?? o.name ?? "");
    return { slug, name: String(o.name ?? humanize(slug)), count: typeof o.count === "number" ? o.count : undefined };
  });
}

export async function listTags(): Promise<Tag[]> {
  const items = asPage<unknown>(await request<unknown>("/api/tags", { auth: false })).items;
  return items.map((t) => {
    if (typeof t === "string") return { name: t };
    const o = t as Record<string, unknown>;
    return { name: String(o.name ?? o.slug ?? ""), count: typeof o.count === "number" ? o.count : undefined };
  });
}

export async function listCollections(): Promise<Collection[]> {
  return asPage<Collection>(await request<unknown>("/api/collections")).items;
}

export function getCollection(slug: string): Promise<Collection> {
  return request<Collection>(`/api/collections/${enc(slug)}`);
}

function humanize(slug: string): string {
  const s = slug.replace(/[-_]+/g, " ").trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// ---------------------------------------------------------------- reviews

export function listReviews(personaId: string, params?: ListParams & { sort?: string }): Promise<Page<Review>> {
  return getPage<Review>(`/api/personas/${enc(personaId)}/reviews`, listQuery(params, { sort: params?.sort }));
}

/** Creates or (second time) replaces the caller's review. */
export function postReview(personaId: string, input: ReviewInput): Promise<Review> {
  return request<Review>(`/api/personas/${enc(personaId)}/reviews`, { method: "POST", body: input });
}

export function markReviewHelpful(reviewId: string): Promise<void> {
  return request<void>(`/api/reviews/${enc(reviewId)}/helpful`, { method: "POST", responseType: "none" });
}

export function respondToReview(reviewId: string, body: string): Promise<Review> {
  return request<Review>(`/api/reviews/${enc(reviewId)}/response`, { method: "POST", body: { body } });
}

export function reportReview(reviewId: string, input: ReportInput): Promise<void> {
  return request<void>(`/api/reviews/${enc(reviewId)}/report`, { method: "POST", body: input, responseType: "none" });
}

export function reportPersona(personaId: string, input: ReportInput): Promise<void> {
  return request<void>(`/api/personas/${enc(personaId)}/report`, { method: "POST", body: input, responseType: "none" });
}

// ---------------------------------------------------------------- admin

export function getModerationQueue(params?: ListParams): Promise<Page<ModerationItem>> {
  return getPage<ModerationItem>("/api/admin/moderation", listQuery(params));
}

export function approvePersona(id: string): Promise<void> {
  return request<void>(`/api/admin/personas/${enc(id)}/approve`, { method: "POST", responseType: "none" });
}

export function rejectPersona(id: string, reason: string): Promise<void> {
  return request<void>(`/api/admin/personas/${enc(id)}/reject`, { method: "POST", body: { reason }, responseType: "none" });
}

export function listReports(params?: ListParams & { status?: string }): Promise<Page<Report>> {
  return getPage<Report>("/api/admin/reports", listQuery(params, { status: params?.status }));
}

export function resolveReport(id: string, input: ResolveReportInput = {}): Promise<void> {
  return request<void>(`/api/admin/reports/${enc(id)}/resolve`, { method: "POST", body: input, responseType: "none" });
}

export function refundPayment(paymentId: string): Promise<unknown> {
  return request<unknown>(`/api/admin/payments/${enc(paymentId)}/refund`, { method: "POST" });
}

// ---------------------------------------------------------------- payments

export function createCheckout(personaId: string): Promise<CheckoutSession> {
  return request<CheckoutSession>("/api/payments/create-checkout", { method: "POST", body: { persona_id: personaId } });
}

export function listPaymentHistory(params?: ListParams): Promise<Page<Payment>> {
  return getPage<Payment>("/api/payments/history", listQuery(params));
}

// ---------------------------------------------------------------- payouts

export function startOnboarding(): Promise<OnboardingLink> {
  return request<OnboardingLink>("/api/payouts/onboarding", { method: "POST" });
}

export async function getEarnings(): Promise<Earnings> {
  return normalizeEarnings(await request<unknown>("/api/earnings"));
}

type MoneyLike = number | { amount_cents?: number; cents?: number; amount?: number; currency?: string } | null | undefined;

function centsOf(v: MoneyLike): number {
  if (typeof v === "number") return v;
  if (v && typeof v === "object") return Number(v.amount_cents ?? v.cents ?? v.amount ?? 0);
  return 0;
}

function currencyOf(v: MoneyLike): string | undefined {
  return v && typeof v === "object" ? v.currency : undefined;
}

/**
 * The contract says "pending, available, paid, lifetime, by_month[], each in
 * cents + currency". Accept `pending_cents` numbers, `pending: {amount_cents,
 * currency}` objects or bare cent numbers, and blockers as strings or objects.
 */
export function normalizeEarnings(raw: unknown): Earnings {
  const r = (raw ?? {}) as Record<string, unknown>;
  const pick = (name: string): MoneyLike => (r[`${name}_cents`] as MoneyLike) ?? (r[name] as MoneyLike);
  const currency = String(
    r.currency ?? currencyOf(pick("available")) ?? currencyOf(pick("pending")) ?? currencyOf(pick("lifetime")) ?? "USD",
  );
  const byMonthRaw = Array.isArray(r.by_month) ? (r.by_month as Record<string, unknown>[]) : [];
  const by_month: MonthEarnings[] = byMonthRaw.map((m) => ({
    month: String(m.month ?? m.period ?? ""),
    amount_cents: centsOf((m.amount_cents as MoneyLike) ?? (m.cents as MoneyLike) ?? (m.amount as MoneyLike) ?? (m.total as MoneyLike)),
    currency: String(m.currency ?? currency),
  }));
  const blockersRaw = Array.isArray(r.payout_blockers) ? (r.payout_blockers as unknown[]) : [];
  const payout_blockers: PayoutBlocker[] = blockersRaw.map((b) =>
    typeof b === "string"
      ? { code: b, message: blockerMessage(b) }
      : {
          code: String((b as PayoutBlocker).code ?? ""),
          message: String((b as PayoutBlocker).message ?? blockerMessage(String((b as PayoutBlocker).code ?? ""))),
        },
  );
  const minimum = pick("minimum_payout") ?? (r.min_payout_cents as MoneyLike);
  return {
    currency,
    pending_cents: centsOf(pick("pending")),
    available_cents: centsOf(pick("available")),
    paid_cents: centsOf(pick("paid")),
    lifetime_cents: centsOf(pick("lifetime")),
    by_month,
    minimum_payout_cents: minimum === undefined || minimum === null ? undefined : centsOf(minimum),
    holding_days: typeof r.holding_days === "number" ? r.holding_days : undefined,
    payouts_enabled: typeof r.payouts_enabled === "boolean" ? r.payouts_enabled : undefined,
    payout_blockers,
  };
}

const BLOCKER_TEXT: Record<string, string> = {
  not_onboarded: "Connect a Stripe account to receive payouts.",
  onboarding_incomplete: "Finish setting up your Stripe account.",
  below_minimum: "Your available balance is below the minimum payout.",
  payouts_disabled: "Stripe has paused payouts on your account. Check your Stripe dashboard.",
  payout_in_progress: "A payout is already on its way.",
  email_not_verified: "Verify your e-mail address first.",
};

function blockerMessage(code: string): string {
  return BLOCKER_TEXT[code] ?? humanize(code);
}

export function listEarningTransactions(params?: ListParams): Promise<Page<EarningTransaction>> {
  return getPage<EarningTransaction>("/api/earnings/transactions", listQuery(params));
}

/** Without an amount the whole available balance is paid out. */
export function requestPayout(amountCents?: number): Promise<Payout> {
  return request<Payout>("/api/payouts", {
    method: "POST",
    body: amountCents === undefined ? {} : { amount: amountCents },
  });
}

export function listPayouts(params?: ListParams): Promise<Page<Payout>> {
  return getPage<Payout>("/api/payouts", listQuery(params));
}

export function downloadStatement(year: number, format: StatementFormat): Promise<BlobResult> {
  return request<BlobResult>(`/api/earnings/statements/${year}`, {
    query: { format },
    responseType: "blob",
    headers: { Accept: format === "pdf" ? "application/pdf" : "text/csv" },
  });
}
