// Every endpoint of the public API, typed. Pages and components call
// these, never fetch directly.

import { ApiError, request, upload, type BlobResult, type UploadOptions } from "./client";
import type { QueryInit } from "./query";
import type {
  AcquireResult,
  AdminTransaction,
  Category,
  CheckoutSession,
  Collection,
  Earnings,
  EarningTransaction,
  HelpfulResult,
  ListParams,
  LoginInput,
  ModerationItem,
  NewVersionInput,
  OnboardingLink,
  Page,
  Payment,
  Payout,
  Persona,
  PersonaFilters,
  PersonaInput,
  PersonaPreview,
  PersonaVersion,
  ProfileInput,
  PublicProfile,
  Purchase,
  RefundInput,
  RegisteredUser,
  RegisterInput,
  Report,
  ReportInput,
  ReportReceipt,
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

export function register(input: RegisterInput): Promise<RegisteredUser> {
  return request<RegisteredUser>("/api/auth/register", { method: "POST", body: input, auth: false });
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

/** Mail the confirmation link again (identity allows it once a minute). */
export function resendVerificationEmail(): Promise<{ detail: string }> {
  return request<{ detail: string }>("/api/auth/verify-email/resend", { method: "POST" });
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

/** A creator's personas on the market (approved only), by username or id. */
export function listCreatorPersonas(creator: string, params?: ListParams): Promise<Page<Persona>> {
  return getPage<Persona>("/api/personas", listQuery(params, { creator, sort: "newest" }));
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

/** The buyer's library: purchases and free acquisitions still held, newest first. */
export function listMyPurchases(params?: ListParams): Promise<Page<Purchase>> {
  return getPage<Purchase>("/api/users/me/purchases", listQuery(params));
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
 * Multipart encoding catalog reads (POST /api/personas): plain fields as
 * text, `tags` repeated, `usage_terms` as a JSON string, `submit=true` to
 * send it for review at once, each file as a `files` part (they become
 * version 1.0.0).
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
  if (intent === "pending") fd.append("submit", "true");
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

/** PATCH with JSON; `status: "pending"` also submits it for review, in the same step. */
export function updatePersona(id: string, patch: Partial<PersonaInput> & { status?: SubmitIntent }): Promise<Persona> {
  return request<Persona>(`/api/personas/${enc(id)}`, { method: "PATCH", body: patch });
}

/** Send a draft, rejected or suspended persona to the moderation queue. */
export function submitPersona(id: string): Promise<Persona> {
  return request<Persona>(`/api/personas/${enc(id)}/submit`, { method: "POST" });
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

export function getPreview(id: string): Promise<PersonaPreview> {
  return request<PersonaPreview>(`/api/personas/${enc(id)}/preview`);
}

/** Add a free persona to the library (idempotent; a paid one answers 402). */
export function acquirePersona(id: string): Promise<AcquireResult> {
  return request<AcquireResult>(`/api/personas/${enc(id)}/acquire`, { method: "POST" });
}

/** The zip, as a blob (the endpoint needs the bearer token, so no plain link). */
export function downloadPersona(id: string, version?: string): Promise<BlobResult> {
  return request<BlobResult>(`/api/personas/${enc(id)}/download`, {
    query: { version },
    responseType: "blob",
    headers: { Accept: "application/zip, application/octet-stream, */*" },
  });
}

/** Every category with its number of personas on the market. */
export async function listCategories(): Promise<Category[]> {
  return asPage<Category>(await request<unknown>("/api/categories", { auth: false })).items;
}

/** The most used tags on the market (`q` filters by prefix). */
export async function listTags(q?: string, limit = 30): Promise<Tag[]> {
  return asPage<Tag>(await request<unknown>("/api/tags", { auth: false, query: { q, limit } })).items;
}

export async function listCollections(): Promise<Collection[]> {
  return asPage<Collection>(await request<unknown>("/api/collections")).items;
}

export function getCollection(slug: string): Promise<Collection> {
  return request<Collection>(`/api/collections/${enc(slug)}`);
}

// ---------------------------------------------------------------- reviews

export function listReviews(personaId: string, params?: ListParams & { sort?: string }): Promise<Page<Review>> {
  return getPage<Review>(`/api/personas/${enc(personaId)}/reviews`, listQuery(params, { sort: params?.sort }));
}

/** Creates or (second time) replaces the caller's review. */
export function postReview(personaId: string, input: ReviewInput): Promise<Review> {
  return request<Review>(`/api/personas/${enc(personaId)}/reviews`, { method: "POST", body: input });
}

export function markReviewHelpful(reviewId: string): Promise<HelpfulResult> {
  return request<HelpfulResult>(`/api/reviews/${enc(reviewId)}/helpful`, { method: "POST" });
}

export function respondToReview(reviewId: string, body: string): Promise<Review> {
  return request<Review>(`/api/reviews/${enc(reviewId)}/response`, { method: "POST", body: { body } });
}

export function reportReview(reviewId: string, input: ReportInput): Promise<ReportReceipt> {
  return request<ReportReceipt>(`/api/reviews/${enc(reviewId)}/report`, { method: "POST", body: input });
}

export function reportPersona(personaId: string, input: ReportInput): Promise<ReportReceipt> {
  return request<ReportReceipt>(`/api/personas/${enc(personaId)}/report`, { method: "POST", body: input });
}

// ---------------------------------------------------------------- admin

export function getModerationQueue(params?: ListParams): Promise<Page<ModerationItem>> {
  return getPage<ModerationItem>("/api/admin/moderation", listQuery(params));
}

export function approvePersona(id: string): Promise<Persona> {
  return request<Persona>(`/api/admin/personas/${enc(id)}/approve`, { method: "POST" });
}

/** `reason` (3..2000 characters) is shown to the creator. */
export function rejectPersona(id: string, reason: string): Promise<Persona> {
  return request<Persona>(`/api/admin/personas/${enc(id)}/reject`, { method: "POST", body: { reason } });
}

/** Take an approved persona off the market (the creator can fix it and resubmit). */
export function suspendPersona(id: string, reason: string): Promise<Persona> {
  return request<Persona>(`/api/admin/personas/${enc(id)}/suspend`, { method: "POST", body: { reason } });
}

export function listReports(params?: ListParams & { status?: "open" | "resolved" }): Promise<Page<Report>> {
  return getPage<Report>("/api/admin/reports", listQuery(params, { status: params?.status }));
}

export function resolveReport(id: string, input: ResolveReportInput): Promise<void> {
  return request<void>(`/api/admin/reports/${enc(id)}/resolve`, { method: "POST", body: input, responseType: "none" });
}

export function listAdminPayments(
  params?: ListParams & { status?: string; persona_id?: string; buyer_id?: string; creator_id?: string },
): Promise<Page<AdminTransaction>> {
  return getPage<AdminTransaction>(
    "/api/admin/payments",
    listQuery(params, { status: params?.status, persona_id: params?.persona_id, buyer_id: params?.buyer_id, creator_id: params?.creator_id }),
  );
}

export function getAdminPayment(id: string): Promise<AdminTransaction> {
  return request<AdminTransaction>(`/api/admin/payments/${enc(id)}`);
}

/** Refund in full (no amount) or in part; the idempotency key makes a retried click harmless. */
export function refundPayment(id: string, input: RefundInput = {}, idempotencyKey?: string): Promise<AdminTransaction> {
  return request<AdminTransaction>(`/api/admin/payments/${enc(id)}/refund`, {
    method: "POST",
    body: input,
    headers: idempotencyKey ? { "Idempotency-Key": idempotencyKey } : undefined,
  });
}

// ---------------------------------------------------------------- payments

/**
 * Billing learns prices from catalog's events, so for a moment after a persona is approved it may
 * not know it yet: it then answers 503 price_not_ready with Retry-After. Wait it out briefly
 * before showing the buyer an error.
 */
export async function createCheckout(
  personaId: string,
  { attempts = 4, delayMs = 750 }: { attempts?: number; delayMs?: number } = {},
): Promise<CheckoutSession> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request<CheckoutSession>("/api/payments/create-checkout", {
        method: "POST",
        body: { persona_id: personaId },
      });
    } catch (err) {
      const notYetKnown = err instanceof ApiError && err.status === 503 && err.code === "price_not_ready";
      if (!notYetKnown || attempt >= attempts) throw err;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

export function listPaymentHistory(params?: ListParams): Promise<Page<Payment>> {
  return getPage<Payment>("/api/payments/history", listQuery(params));
}

/** The purchase behind a Checkout Session (the success page polls it until the webhook lands). */
export function getCheckoutPayment(sessionId: string): Promise<Payment> {
  return request<Payment>(`/api/payments/sessions/${enc(sessionId)}`);
}

// ---------------------------------------------------------------- payouts

export function startOnboarding(): Promise<OnboardingLink> {
  return request<OnboardingLink>("/api/payouts/onboarding", { method: "POST" });
}

export function getEarnings(currency?: string): Promise<Earnings> {
  return request<Earnings>("/api/earnings", { query: { currency } });
}

export function listEarningTransactions(params?: ListParams): Promise<Page<EarningTransaction>> {
  return getPage<EarningTransaction>("/api/earnings/transactions", listQuery(params));
}

/**
 * Without an amount the whole available balance is paid out. The key makes a
 * double click (or a retry after a lost answer) one payout, not two.
 */
export function requestPayout(amountCents?: number, currency?: string, idempotencyKey?: string): Promise<Payout> {
  const body: { amount?: number; currency?: string } = {};
  if (amountCents !== undefined) body.amount = amountCents;
  if (currency) body.currency = currency;
  return request<Payout>("/api/payouts", {
    method: "POST",
    body,
    headers: idempotencyKey ? { "Idempotency-Key": idempotencyKey } : undefined,
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
