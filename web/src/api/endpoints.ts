// Every endpoint of the public API, on the generated client: paths, query
// parameters, bodies and answers are checked against `schema.d.ts`. Pages and
// components call these, never fetch directly.

import { ApiError, api, blob, data, page, publicApi, upload, uploadFile, type BlobResult, type UploadOptions } from "./client";
import type { operations } from "./schema";
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
  PersonaImage,
  PersonaInput,
  PersonaStatus,
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
  ResolveReportInput,
  Review,
  ReviewInput,
  StatementFormat,
  SubmitIntent,
  Tag,
  TokenPair,
  User,
} from "./types";

type PersonaQuery = NonNullable<operations["list_personas_api_personas_get"]["parameters"]["query"]>;

function paging(params?: ListParams) {
  return { limit: params?.limit, cursor: params?.cursor ?? undefined };
}

// ---------------------------------------------------------------- auth

export function register(input: RegisterInput): Promise<RegisteredUser> {
  return data(publicApi.POST("/api/auth/register", { body: input }));
}

export function login(input: LoginInput): Promise<TokenPair> {
  return data(publicApi.POST("/api/auth/login", { body: input }));
}

export function refreshTokens(refreshToken: string): Promise<TokenPair> {
  return data(publicApi.POST("/api/auth/refresh", { body: { refresh_token: refreshToken } }));
}

export async function logout(refreshToken: string): Promise<void> {
  await data(api.POST("/api/auth/logout", { body: { refresh_token: refreshToken } }));
}

export function getMe(): Promise<User> {
  return data(api.GET("/api/auth/me"));
}

export async function verifyEmail(token: string): Promise<void> {
  await data(publicApi.POST("/api/auth/verify-email", { body: { token } }));
}

/** Mail the confirmation link again (identity allows it once a minute). */
export function resendVerificationEmail(): Promise<{ detail: string }> {
  return data(api.POST("/api/auth/verify-email/resend"));
}

export async function requestPasswordReset(email: string): Promise<void> {
  await data(publicApi.POST("/api/auth/password-reset/request", { body: { email } }));
}

export async function confirmPasswordReset(token: string, password: string): Promise<void> {
  await data(publicApi.POST("/api/auth/password-reset/confirm", { body: { token, password } }));
}

// ---------------------------------------------------------------- users

export function updateProfile(input: ProfileInput): Promise<User> {
  return data(api.PUT("/api/users/me/profile", { body: input }));
}

export function getPublicProfile(username: string): Promise<PublicProfile> {
  return data(api.GET("/api/users/{username}", { params: { path: { username } } }));
}

/** A creator's personas on the market (approved only), by username or id. */
export function listCreatorPersonas(creator: string, params?: ListParams): Promise<Page<Persona>> {
  return page(api.GET("/api/personas", { params: { query: { creator, sort: "newest", ...paging(params) } } }));
}

export async function followUser(username: string): Promise<void> {
  await data(api.POST("/api/users/{username}/follow", { params: { path: { username } } }));
}

export async function unfollowUser(username: string): Promise<void> {
  await data(api.DELETE("/api/users/{username}/follow", { params: { path: { username } } }));
}

export function listMyPersonas(params?: ListParams & { status?: PersonaStatus }): Promise<Page<Persona>> {
  return page(api.GET("/api/users/me/personas", { params: { query: { status: params?.status, ...paging(params) } } }));
}

/** The buyer's library: purchases and free acquisitions still held, newest first. */
export function listMyPurchases(params?: ListParams): Promise<Page<Purchase>> {
  return page(api.GET("/api/users/me/purchases", { params: { query: paging(params) } }));
}

// ---------------------------------------------------------------- personas

export function personaFiltersToQuery(filters: PersonaFilters): PersonaQuery {
  const tag = filters.tag?.trim();
  return {
    q: filters.q?.trim() || undefined,
    category: filters.category && filters.category.length ? filters.category : undefined,
    tag: tag ? [tag] : undefined,
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
  return page(api.GET("/api/personas", { params: { query: { ...personaFiltersToQuery(filters), ...paging(params) } } }));
}

export function getPersona(id: string): Promise<Persona> {
  return data(api.GET("/api/personas/{persona_id}", { params: { path: { persona_id: id } } }));
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

export function createPersona(input: PersonaInput, intent: SubmitIntent, files: File[], opts?: UploadOptions): Promise<Persona> {
  return upload("/api/personas", {}, personaFormData(input, intent, files), opts);
}

/** PATCH with JSON; `status: "pending"` also submits it for review, in the same step. */
export function updatePersona(id: string, patch: Partial<PersonaInput> & { status?: SubmitIntent }): Promise<Persona> {
  return data(api.PATCH("/api/personas/{persona_id}", { params: { path: { persona_id: id } }, body: patch }));
}

/** Send a draft, rejected or suspended persona to the moderation queue. */
export function submitPersona(id: string): Promise<Persona> {
  return data(api.POST("/api/personas/{persona_id}/submit", { params: { path: { persona_id: id } } }));
}

export async function deletePersona(id: string): Promise<void> {
  await data(api.DELETE("/api/personas/{persona_id}", { params: { path: { persona_id: id } } }));
}

export function createVersion(id: string, input: NewVersionInput, opts?: UploadOptions): Promise<PersonaVersion> {
  const fd = new FormData();
  fd.append("version", input.version);
  fd.append("changelog", input.changelog);
  for (const f of input.files) fd.append("files", f, f.name);
  return upload("/api/personas/{persona_id}/versions", { persona_id: id }, fd, opts);
}

// ---------------------------------------------------------------- pictures (covers, galleries)

const enc = encodeURIComponent;

/** Set the persona's cover: the file is the request body; the server re-encodes it. */
export function setCover(id: string, file: File, opts?: UploadOptions): Promise<Persona> {
  return uploadFile<Persona>(`/api/personas/${enc(id)}/cover`, file, { ...opts, method: "PUT" });
}

export async function removeCover(id: string): Promise<void> {
  await data(api.DELETE("/api/personas/{persona_id}/cover", { params: { path: { persona_id: id } } }));
}

/** Add an image of sample output to a version's gallery (at most 8 per version). */
export function addGalleryImage(id: string, version: string, file: File, caption = "", opts?: UploadOptions): Promise<PersonaImage> {
  const query = caption.trim() ? `?caption=${enc(caption.trim())}` : "";
  return uploadFile<PersonaImage>(`/api/personas/${enc(id)}/versions/${enc(version)}/gallery${query}`, file, opts);
}

export async function removeGalleryImage(id: string, version: string, imageId: string): Promise<void> {
  await data(
    api.DELETE("/api/personas/{persona_id}/versions/{version}/gallery/{image_id}", {
      params: { path: { persona_id: id, version, image_id: imageId } },
    }),
  );
}

/** Upload an avatar (re-encoded by identity as a 256 x 256 square); the updated profile. */
export function uploadAvatar(file: File, opts?: UploadOptions): Promise<User> {
  return uploadFile<User>("/api/users/me/avatar", file, { ...opts, method: "PUT" });
}

export function removeAvatar(): Promise<User> {
  return data(api.DELETE("/api/users/me/avatar", {}));
}

export async function listVersions(id: string): Promise<PersonaVersion[]> {
  return (await page(api.GET("/api/personas/{persona_id}/versions", { params: { path: { persona_id: id } } }))).items;
}

export function getPreview(id: string): Promise<PersonaPreview> {
  return data(api.GET("/api/personas/{persona_id}/preview", { params: { path: { persona_id: id } } }));
}

/** Add a free persona to the library (idempotent; a paid one answers 402). */
export function acquirePersona(id: string): Promise<AcquireResult> {
  return data(api.POST("/api/personas/{persona_id}/acquire", { params: { path: { persona_id: id } } }));
}

/** The zip, as a blob (the endpoint needs the bearer token, so no plain link). */
export function downloadPersona(id: string, version?: string): Promise<BlobResult> {
  return blob(
    api.GET("/api/personas/{persona_id}/download", {
      params: { path: { persona_id: id }, query: { version } },
      parseAs: "blob",
      headers: { Accept: "application/zip, application/octet-stream, */*" },
    }),
  );
}

/** Every category with its number of personas on the market. */
export async function listCategories(): Promise<Category[]> {
  return (await page(publicApi.GET("/api/categories"))).items;
}

/** The most used tags on the market (`q` filters by prefix). */
export async function listTags(q?: string, limit = 30): Promise<Tag[]> {
  return (await page(publicApi.GET("/api/tags", { params: { query: { q, limit } } }))).items;
}

export async function listCollections(): Promise<Collection[]> {
  return (await page(api.GET("/api/collections"))).items;
}

export function getCollection(slug: string): Promise<Collection> {
  return data(api.GET("/api/collections/{slug}", { params: { path: { slug } } }));
}

// ---------------------------------------------------------------- reviews

type ReviewSort = NonNullable<operations["list_reviews_api_personas__persona_id__reviews_get"]["parameters"]["query"]>["sort"];

export function listReviews(personaId: string, params?: ListParams & { sort?: ReviewSort }): Promise<Page<Review>> {
  return page(
    api.GET("/api/personas/{persona_id}/reviews", {
      params: { path: { persona_id: personaId }, query: { sort: params?.sort, ...paging(params) } },
    }),
  );
}

/** Creates or (second time) replaces the caller's review. */
export function postReview(personaId: string, input: ReviewInput): Promise<Review> {
  return data(api.POST("/api/personas/{persona_id}/reviews", { params: { path: { persona_id: personaId } }, body: input }));
}

export function markReviewHelpful(reviewId: string): Promise<HelpfulResult> {
  return data(api.POST("/api/reviews/{review_id}/helpful", { params: { path: { review_id: reviewId } } }));
}

export function respondToReview(reviewId: string, body: string): Promise<Review> {
  return data(api.POST("/api/reviews/{review_id}/response", { params: { path: { review_id: reviewId } }, body: { body } }));
}

export async function reportReview(reviewId: string, input: ReportInput): Promise<void> {
  await data(api.POST("/api/reviews/{review_id}/report", { params: { path: { review_id: reviewId } }, body: input }));
}

export async function reportPersona(personaId: string, input: ReportInput): Promise<void> {
  await data(api.POST("/api/personas/{persona_id}/report", { params: { path: { persona_id: personaId } }, body: input }));
}

// ---------------------------------------------------------------- admin

export function getModerationQueue(params?: ListParams): Promise<Page<ModerationItem>> {
  return page(api.GET("/api/admin/moderation", { params: { query: paging(params) } }));
}

export function approvePersona(id: string): Promise<Persona> {
  return data(api.POST("/api/admin/personas/{persona_id}/approve", { params: { path: { persona_id: id } } }));
}

/** `reason` (3..2000 characters) is shown to the creator. */
export function rejectPersona(id: string, reason: string): Promise<Persona> {
  return data(api.POST("/api/admin/personas/{persona_id}/reject", { params: { path: { persona_id: id } }, body: { reason } }));
}

/** Take an approved persona off the market (the creator can fix it and resubmit). */
export function suspendPersona(id: string, reason: string): Promise<Persona> {
  return data(api.POST("/api/admin/personas/{persona_id}/suspend", { params: { path: { persona_id: id } }, body: { reason } }));
}

export function listReports(params?: ListParams & { status?: "open" | "resolved" }): Promise<Page<Report>> {
  return page(api.GET("/api/admin/reports", { params: { query: { status: params?.status, ...paging(params) } } }));
}

export async function resolveReport(id: string, input: ResolveReportInput): Promise<void> {
  await data(api.POST("/api/admin/reports/{report_id}/resolve", { params: { path: { report_id: id } }, body: input }));
}

type AdminPaymentFilters = NonNullable<operations["admin_list_api_admin_payments_get"]["parameters"]["query"]>;

export function listAdminPayments(params?: ListParams & Omit<AdminPaymentFilters, "limit" | "cursor">): Promise<Page<AdminTransaction>> {
  return page(api.GET("/api/admin/payments", { params: { query: { ...params, ...paging(params) } } }));
}

export function getAdminPayment(id: string): Promise<AdminTransaction> {
  return data(api.GET("/api/admin/payments/{transaction_id}", { params: { path: { transaction_id: id } } }));
}

/** Refund in full (no amount) or in part; the idempotency key makes a retried click harmless. */
export function refundPayment(id: string, input: RefundInput = {}, idempotencyKey?: string): Promise<AdminTransaction> {
  return data(
    api.POST("/api/admin/payments/{transaction_id}/refund", {
      params: { path: { transaction_id: id }, header: idempotencyKey ? { "Idempotency-Key": idempotencyKey } : undefined },
      body: input,
    }),
  );
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
      return await data(api.POST("/api/payments/create-checkout", { body: { persona_id: personaId } }));
    } catch (err) {
      const notYetKnown = err instanceof ApiError && err.status === 503 && err.code === "price_not_ready";
      if (!notYetKnown || attempt >= attempts) throw err;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

export function listPaymentHistory(params?: ListParams): Promise<Page<Payment>> {
  return page(api.GET("/api/payments/history", { params: { query: paging(params) } }));
}

/** The purchase behind a Checkout Session (the success page polls it until the webhook lands). */
export function getCheckoutPayment(sessionId: string): Promise<Payment> {
  return data(api.GET("/api/payments/sessions/{session_id}", { params: { path: { session_id: sessionId } } }));
}

// ---------------------------------------------------------------- payouts

export function startOnboarding(): Promise<OnboardingLink> {
  return data(api.POST("/api/payouts/onboarding"));
}

export function getEarnings(currency?: string): Promise<Earnings> {
  return data(api.GET("/api/earnings", { params: { query: { currency } } }));
}

export function listEarningTransactions(params?: ListParams): Promise<Page<EarningTransaction>> {
  return page(api.GET("/api/earnings/transactions", { params: { query: paging(params) } }));
}

/**
 * Without an amount the whole available balance is paid out. The key makes a
 * double click (or a retry after a lost answer) one payout, not two.
 */
export function requestPayout(amountCents?: number, currency?: string, idempotencyKey?: string): Promise<Payout> {
  const body: { amount?: number; currency?: string } = {};
  if (amountCents !== undefined) body.amount = amountCents;
  if (currency) body.currency = currency;
  return data(
    api.POST("/api/payouts", { params: { header: idempotencyKey ? { "idempotency-key": idempotencyKey } : undefined }, body }),
  );
}

export function listPayouts(params?: ListParams): Promise<Page<Payout>> {
  return page(api.GET("/api/payouts", { params: { query: paging(params) } }));
}

export function downloadStatement(year: number, format: StatementFormat): Promise<BlobResult> {
  return blob(
    api.GET("/api/earnings/statements/{year}", {
      params: { path: { year }, query: { format } },
      parseAs: "blob",
      headers: { Accept: format === "pdf" ? "application/pdf" : "text/csv" },
    }),
  );
}
