// TypeScript shapes of the public API (see shared/DESIGN.md §5).
// Anything marked "guess" is not pinned by the contract yet; adjust here
// when the backend settles it.

export type Id = string;
export type IsoDateTime = string;

/** Every list endpoint answers with this keyset page. */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface ListParams {
  limit?: number;
  cursor?: string | null;
}

export interface FieldError {
  field: string;
  message: string;
}

/** RFC 9457 problem document as sent by every service. */
export interface ProblemDetails {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

// ---------------------------------------------------------------- auth

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: string;
  /** Seconds until the access token expires. */
  expires_in: number;
}

export type Role = "user" | "admin" | (string & {});

export interface SocialLinks {
  [network: string]: string;
}

export interface User {
  id: Id;
  email: string;
  username: string;
  roles: Role[];
  email_verified: boolean;
  bio: string | null;
  website: string | null;
  avatar_url: string | null;
  social_links: SocialLinks | null;
  followers_count: number;
  following_count: number;
  created_at: IsoDateTime;
}

export interface RegisterInput {
  email: string;
  username: string;
  password: string;
}

export interface LoginInput {
  email: string;
  password: string;
}

export interface ProfileInput {
  username?: string;
  email?: string;
  bio?: string;
  website?: string;
  avatar_url?: string;
  social_links?: SocialLinks;
}

/** Public creator profile (guess: user fields minus e-mail, plus personas and follow state). */
export interface PublicProfile {
  id: Id;
  username: string;
  bio: string | null;
  website: string | null;
  avatar_url: string | null;
  social_links: SocialLinks | null;
  followers_count: number;
  following_count: number;
  created_at: IsoDateTime;
  /** guess: whether the signed-in viewer follows this creator. */
  is_following?: boolean;
  /** Approved personas of the creator: either a plain array or a page. */
  personas?: Persona[] | Page<Persona>;
}

// ---------------------------------------------------------------- personas

export type PersonaStatus = "draft" | "pending" | "approved" | "rejected" | "suspended";

export interface UsageTerms {
  personal: boolean;
  commercial: boolean;
  derivatives: boolean;
}

export interface CreatorRef {
  id: Id;
  username: string;
  avatar_url?: string | null;
}

export type RatingDistribution = Partial<Record<"1" | "2" | "3" | "4" | "5", number>>;

export interface Persona {
  id: Id;
  name: string;
  short_description: string;
  description: string;
  category: string;
  tags: string[];
  price_cents: number;
  currency: string;
  usage_terms: UsageTerms;
  status: PersonaStatus;
  rejection_reason: string | null;
  creator: CreatorRef;
  rating_avg: number | null;
  rating_count: number;
  rating_distribution: RatingDistribution;
  downloads: number;
  latest_version: string | null;
  created_at: IsoDateTime;
  updated_at: IsoDateTime;
  entitled: boolean;
}

export type PersonaSort = "downloads" | "rating" | "newest" | "price" | "trending";
export type PriceFilter = "free" | "paid";

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
  creator?: string;
  sort?: PersonaSort;
}

/** Metadata sent with POST /api/personas and PATCH /api/personas/{id}. */
export interface PersonaInput {
  name: string;
  short_description: string;
  description: string;
  category: string;
  tags: string[];
  price_cents: number;
  currency: string;
  usage_terms: UsageTerms;
}

/** "draft" keeps it private; "pending" submits it for review. */
export type SubmitIntent = "draft" | "pending";

export interface PersonaFile {
  /** guess */
  path: string;
  size?: number;
  content_type?: string;
  sha256?: string;
}

export interface PersonaVersion {
  id?: Id;
  version: string;
  changelog: string;
  created_at: IsoDateTime;
  /** guess */
  files?: PersonaFile[];
}

export interface NewVersionInput {
  version: string;
  changelog: string;
  files: File[];
}

/** guess: sample files the creator marked as public, with (truncated) text content. */
export interface PreviewFile {
  path: string;
  content: string;
  content_type?: string;
  truncated?: boolean;
}

export interface PersonaPreview {
  files: PreviewFile[];
}

/** Category as returned by GET /api/categories (guess: slug + display name). */
export interface Category {
  slug: string;
  name: string;
  count?: number;
}

export interface Tag {
  name: string;
  count?: number;
}

export interface Collection {
  slug: string;
  title: string;
  description?: string | null;
  personas?: Persona[];
}

export interface AcquireResult {
  entitled?: boolean;
  [extra: string]: unknown;
}

// ---------------------------------------------------------------- reviews

export interface ReviewResponse {
  body: string;
  created_at: IsoDateTime;
}

export interface Review {
  id: Id;
  persona_id: Id;
  author: { id: Id; username: string; avatar_url?: string | null };
  rating: number;
  body: string;
  verified_purchase: boolean;
  helpful_count: number;
  /** guess: whether the current user already voted helpful. */
  voted_helpful?: boolean;
  response: ReviewResponse | null;
  created_at: IsoDateTime;
  updated_at?: IsoDateTime;
}

export interface ReviewInput {
  rating: number;
  body: string;
}

export interface ReportInput {
  reason: string;
  details?: string;
}

// ---------------------------------------------------------------- admin

export interface ModerationItem extends Persona {
  submitted_at?: IsoDateTime;
}

export type ReportTarget = "persona" | "review";

export interface Report {
  id: Id;
  target_type: ReportTarget;
  target_id: Id;
  reason: string;
  details?: string | null;
  reporter?: { id: Id; username: string } | null;
  status: "open" | "resolved";
  created_at: IsoDateTime;
  /** guess: persona the target belongs to, to link to it. */
  persona_id?: Id | null;
}

export interface ResolveReportInput {
  /** guess: what was done ("dismiss", "remove", "suspend"). */
  action?: string;
  note?: string;
}

// ---------------------------------------------------------------- payments

export interface CheckoutSession {
  checkout_url: string;
  session_id: string;
}

export type PaymentStatus = "pending" | "completed" | "refunded" | "failed" | "disputed" | (string & {});

export interface Payment {
  id: Id;
  persona_id: Id;
  persona_name?: string;
  amount_cents: number;
  currency: string;
  status: PaymentStatus;
  created_at: IsoDateTime;
  /** guess: Stripe receipt or our own receipt page. */
  receipt_url?: string | null;
  session_id?: string | null;
}

/** An item of the buyer's library (GET /api/users/me/purchases). */
export interface Purchase {
  /** guess: the persona the buyer owns, as a persona summary. */
  persona: Persona;
  acquired_at: IsoDateTime;
  price_cents: number;
  currency: string;
  payment_id?: Id | null;
}

// ---------------------------------------------------------------- payouts

export interface MoneyAmount {
  amount_cents: number;
  currency: string;
}

export interface MonthEarnings {
  /** "YYYY-MM" */
  month: string;
  amount_cents: number;
  currency: string;
}

export interface PayoutBlocker {
  code: string;
  message: string;
}

export interface Earnings {
  currency: string;
  pending_cents: number;
  available_cents: number;
  paid_cents: number;
  lifetime_cents: number;
  by_month: MonthEarnings[];
  /** Minimum payout amount (guess: sent by the API; default 25.00 USD). */
  minimum_payout_cents?: number;
  /** Days before earnings become available (guess). */
  holding_days?: number;
  /** Stripe Connect state (guess). */
  payouts_enabled?: boolean;
  payout_blockers: PayoutBlocker[];
}

export interface EarningTransaction {
  id: Id;
  type: "sale" | "refund" | "payout" | "dispute" | "adjustment" | (string & {});
  persona_id?: Id | null;
  persona_name?: string | null;
  gross_cents?: number | null;
  fee_cents?: number | null;
  amount_cents: number;
  currency: string;
  status?: string;
  available_at?: IsoDateTime | null;
  created_at: IsoDateTime;
}

export type PayoutStatus = "requested" | "pending" | "in_transit" | "paid" | "failed" | "canceled" | (string & {});

export interface Payout {
  id: Id;
  amount_cents: number;
  currency: string;
  status: PayoutStatus;
  reason: string | null;
  created_at: IsoDateTime;
  paid_at?: IsoDateTime | null;
}

export interface OnboardingLink {
  url: string;
}

export type StatementFormat = "csv" | "pdf";
