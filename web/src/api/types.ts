// Names for the API's shapes. Every response and request body is an alias of
// the generated `schema.d.ts` (from the gateway's merged OpenAPI: `make
// openapi`), so a backend change shows up as a type error here, not at run
// time. Only what the API does not describe (query filters, form intents) is
// written by hand below.

import type { components } from "./schema";

type Schemas = components["schemas"];

export type Id = string;
export type IsoDateTime = string;

// ---------------------------------------------------------------- lists

/** Every list endpoint answers with this keyset page. */
export interface Page<T> {
  items: T[];
  next_cursor?: string | null;
}

export interface ListParams {
  limit?: number;
  cursor?: string | null;
}

// ---------------------------------------------------------------- errors

export interface FieldError {
  field: string;
  message: string;
}

/** RFC 9457 problem document as sent by every service (not part of the OpenAPI documents). */
export interface ProblemDetails {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

// ---------------------------------------------------------------- identity

export type TokenPair = Schemas["TokensOut"];
export type User = Schemas["MeOut"];
export type RegisteredUser = Schemas["UserOut"];
export type RegisterInput = Schemas["RegisterIn"];
export type LoginInput = Schemas["LoginIn"];
export type ProfileInput = Schemas["ProfileIn"];
export type PublicProfile = Schemas["PublicProfileOut"];
export type Role = User["roles"][number];
export type SocialLinks = NonNullable<User["social_links"]>;

// ---------------------------------------------------------------- catalog

export type Persona = Schemas["PersonaOut"];
export type PersonaVersion = Schemas["VersionOut"];
/** A cover or gallery image: URLs of the server's renderings (never the uploaded file). */
export type PersonaImage = Schemas["ImageOut"];
export type PersonaFile = Schemas["VersionFileOut"];
export type PersonaPreview = Schemas["PreviewOut"];
export type PreviewFile = Schemas["PreviewFileOut"];
export type UsageTerms = Schemas["UsageTerms"];
export type CreatorRef = Schemas["CreatorOut"];
export type Category = Schemas["CategoryOut"];
export type Tag = Schemas["TagOut"];
export type Collection = Schemas["CollectionOut"];
export type AcquireResult = Schemas["AcquireOut"];
export type Review = Schemas["ReviewOut"];
export type ReviewResponse = Schemas["ReviewResponseOut"];
export type ReviewInput = Schemas["ReviewIn"];
export type HelpfulResult = Schemas["HelpfulOut"];
export type ReportInput = Schemas["ReportIn"];
export type Report = Schemas["ReportOut"];
export type ResolveReportInput = Schemas["ResolveIn"];
export type ModerationItem = Persona;
/** The library (GET /api/users/me/purchases). */
export type Purchase = Schemas["PurchaseOut"];

export type PersonaStatus = "draft" | "pending" | "approved" | "rejected" | "suspended";
export type ReportAction = "dismiss" | "take_down";
/** "draft" keeps it private; "pending" submits it for review. */
export type SubmitIntent = "draft" | "pending";

/** The metadata the persona form edits (multipart on create, JSON PATCH on edit). */
export type PersonaInput = Pick<
  Persona,
  "name" | "short_description" | "description" | "category" | "tags" | "price_cents" | "currency" | "usage_terms"
>;

export interface NewVersionInput {
  version: string;
  changelog: string;
  files: File[];
}

export type PersonaSort = "downloads" | "rating" | "newest" | "price" | "price_desc" | "trending" | "relevance";
export type PriceFilter = "free" | "paid";

/** The marketplace's query (`GET /api/personas`), as the filter bar and the URL hold it. */
export interface PersonaFilters {
  q?: string;
  category?: string[];
  tag?: string;
  min_rating?: number;
  min_downloads?: number;
  max_downloads?: number;
  /** yyyy-mm-dd */
  created_after?: string;
  /** yyyy-mm-dd */
  created_before?: string;
  price?: PriceFilter;
  /** a username or user id */
  creator?: string;
  sort?: PersonaSort;
}

// ---------------------------------------------------------------- billing

export type PaymentStatus = Schemas["Status"];
/** A purchase in GET /api/payments/history and GET /api/payments/sessions/{id}. */
export type Payment = Schemas["Purchase"];
export type Receipt = Schemas["Receipt"];
export type CheckoutSession = Schemas["CheckoutResponse"];
export type AdminTransaction = Schemas["AdminTransaction"];
export type AdminRefund = Schemas["AdminRefund"];
export type RefundInput = Schemas["RefundRequest"];

// ---------------------------------------------------------------- payouts

export type Earnings = Schemas["EarningsOut"];
export type MonthEarnings = Schemas["MonthOut"];
export type PayoutBlocker = Schemas["BlockerOut"];
export type EarningTransaction = Schemas["TransactionOut"];
export type Payout = Schemas["PayoutOut"];
export type PayoutStatus = Payout["status"];
export type OnboardingLink = Schemas["OnboardingOut"];
export type StatementFormat = "csv" | "pdf";
