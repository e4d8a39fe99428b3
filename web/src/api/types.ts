// TypeScript shapes of the public API, as the services send them
// (services/*/src/*/api*.py and their schemas). Anything marked "guess" is
// not served by the backend yet; adjust here when it lands.

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

/** What POST /api/auth/register answers: the account without profile fields. */
export type RegisteredUser = Pick<User, "id" | "email" | "username" | "roles" | "email_verified" | "created_at">;

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
  /** Required by the API only when `email` changes (ASVS 3.7.1). */
  current_password?: string;
}

/**
 * Public creator profile, GET /api/users/{username} (identity). The creator's
 * personas come from GET /api/personas?creator= (catalog).
 */
export interface PublicProfile {
  id: Id;
  username: string;
  roles?: Role[];
  bio: string | null;
  website: string | null;
  avatar_url: string | null;
  social_links: SocialLinks | null;
  followers_count: number;
  following_count: number;
  created_at: IsoDateTime;
  /** whether the signed-in viewer follows this creator (null when signed out) */
  is_following?: boolean | null;
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
  /** null until catalog has heard of the user's registration */
  username: string | null;
}

export type RatingDistribution = Partial<Record<"1" | "2" | "3" | "4" | "5", number>>;

export interface PersonaFile {
  path: string;
  size: number;
  content_type: string;
  sha256: string;
}

export interface PersonaVersion {
  version: string;
  changelog: string;
  created_at: IsoDateTime;
  downloads: number;
  files: PersonaFile[];
}

export interface Persona {
  id: Id;
  name: string;
  short_description: string;
  description: string;
  category: string;
  tags: string[];
  price_cents: number;
  /** lower-case ISO 4217 ("usd") */
  currency: string;
  usage_terms: UsageTerms;
  status: PersonaStatus;
  rejection_reason: string | null;
  /** only shown to the creator and admins */
  suspension_reason?: string | null;
  creator: CreatorRef;
  rating_avg: number | null;
  rating_count: number;
  rating_distribution: RatingDistribution;
  downloads: number;
  acquisitions: number;
  latest_version: string | null;
  /** every version, newest first (on GET /api/personas/{id} and writes only) */
  versions?: PersonaVersion[] | null;
  created_at: IsoDateTime;
  updated_at: IsoDateTime;
  submitted_at?: IsoDateTime | null;
  deleted_at?: IsoDateTime | null;
  /** the viewer holds it (bought or acquired for free) */
  entitled: boolean;
}

export type PersonaSort = "downloads" | "rating" | "newest" | "price" | "price_desc" | "trending" | "relevance";
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
  /** a username or user id */
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

export interface NewVersionInput {
  version: string;
  changelog: string;
  files: File[];
}

/** Sample files of the latest version (samples/, examples/, sample*, example*, preview*, README*). */
export interface PreviewFile {
  path: string;
  content_type: string;
  size: number;
  /** null for images (listed, not shown) */
  content: string | null;
  truncated: boolean;
}

export interface PersonaPreview {
  version: string | null;
  files: PreviewFile[];
}

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
  description: string;
  persona_count: number;
  personas?: Persona[] | null;
  created_at: IsoDateTime;
  updated_at: IsoDateTime;
}

export interface AcquireResult {
  persona_id: Id;
  entitled: boolean;
  source: string;
}

// ---------------------------------------------------------------- reviews

export interface ReviewResponse {
  body: string;
  created_at: IsoDateTime;
}

export interface Review {
  id: Id;
  persona_id: Id;
  author: CreatorRef;
  rating: number;
  body: string;
  verified_purchase: boolean;
  helpful_count: number;
  /** whether the signed-in viewer already voted helpful */
  voted_helpful: boolean;
  response: ReviewResponse | null;
  created_at: IsoDateTime;
  updated_at: IsoDateTime;
}

export interface HelpfulResult {
  review_id: Id;
  helpful_count: number;
  voted_helpful: boolean;
}

export interface ReviewInput {
  rating: number;
  body: string;
}

export interface ReportInput {
  /** 1..200 characters */
  reason: string;
  details?: string;
}

export interface ReportReceipt {
  id: Id;
  status: "open" | "resolved";
}

// ---------------------------------------------------------------- admin

export type ModerationItem = Persona;

export type ReportTarget = "persona" | "review";
export type ReportAction = "dismiss" | "take_down";

export interface Report {
  id: Id;
  target_type: ReportTarget;
  target_id: Id;
  /** the persona the target belongs to (the reviewed persona for a review) */
  persona_id: Id | null;
  reason: string;
  details: string | null;
  reporter: CreatorRef;
  status: "open" | "resolved";
  action: ReportAction | null;
  note: string | null;
  created_at: IsoDateTime;
  resolved_at: IsoDateTime | null;
}

export interface ResolveReportInput {
  /** `take_down` suspends the persona or removes the review, closing every open report on it. */
  action: ReportAction;
  note?: string;
}

export interface AdminRefund {
  id: Id;
  amount: number;
  creator_amount: number;
  reason?: string | null;
  requested_by?: string | null;
  created_at: IsoDateTime;
}

/** A billing transaction as admins see it (GET /api/admin/payments). */
export interface AdminTransaction {
  id: Id;
  status: PaymentStatus;
  buyer_id: Id;
  persona_id: Id;
  persona_name: string;
  creator_id: Id;
  amount: number;
  currency: string;
  tax: number;
  total: number;
  fee_rate_bps: number;
  platform_fee: number;
  creator_revenue: number;
  refunded_amount: number;
  creator_refunded: number;
  /** what can still be refunded (0 when unpaid or disputed) */
  refundable: number;
  refunds: AdminRefund[];
  dispute: { id: string; status: string; amount: number; creator_amount: number } | null;
  failure_reason: string | null;
  stripe_session_id: string;
  stripe_payment_intent: string | null;
  stripe_charge: string | null;
  created_at: IsoDateTime;
  completed_at: IsoDateTime | null;
  updated_at: IsoDateTime;
}

export interface RefundInput {
  /** minor units; omitted: everything still refundable */
  amount?: number;
  reason?: "requested_by_customer" | "duplicate" | "fraudulent";
}

// ---------------------------------------------------------------- payments

export interface CheckoutSession {
  checkout_url: string;
  session_id: string;
  transaction_id: string;
}

export type PaymentStatus =
  | "pending"
  | "processing"
  | "completed"
  | "partially_refunded"
  | "refunded"
  | "disputed"
  | "charged_back"
  | "failed"
  | "expired"
  | (string & {});

export interface Receipt {
  number: string;
  paid_at: IsoDateTime | null;
  description: string;
  subtotal: number;
  tax: number;
  total: number;
  currency: string;
  /** e.g. "visa •••• 4242" */
  payment_method: string | null;
  refunded_amount: number;
  refunds: { id: string; amount: number; created_at: IsoDateTime }[];
  stripe_receipt_url: string | null;
}

/** A purchase in GET /api/payments/history and GET /api/payments/sessions/{id}. Money in minor units. */
export interface Payment {
  id: Id;
  persona_id: Id;
  persona_name: string;
  /** the price, without tax */
  amount: number;
  currency: string;
  tax: number;
  /** what the buyer paid: amount + tax */
  total: number;
  status: PaymentStatus;
  created_at: IsoDateTime;
  completed_at: IsoDateTime | null;
  refunded_amount: number;
  receipt: Receipt | null;
}

/** An item of the buyer's library (GET /api/users/me/purchases). */
export interface Purchase {
  persona: Persona;
  acquired_at: IsoDateTime;
  /** how it was acquired ("purchase", "free", ...) */
  source: string;
  transaction_id: Id | null;
  price_cents: number;
  currency: string | null;
}

// ---------------------------------------------------------------- payouts

/** One month of GET /api/earnings (all minor units). */
export interface MonthEarnings {
  /** "YYYY-MM" */
  month: string;
  gross: number;
  fees: number;
  refunds: number;
  net: number;
}

export interface PayoutBlocker {
  code: string;
  message: string;
  [extra: string]: unknown;
}

/** GET /api/earnings: the creator's balances in one currency (minor units). */
export interface Earnings {
  currency: string;
  pending: number;
  available: number;
  paid: number;
  lifetime: number;
  /** available + pending - in flight; negative = owed */
  balance: number;
  in_flight: number;
  by_month: MonthEarnings[];
  payout_blockers: PayoutBlocker[];
  can_request_payout: boolean;
  /** Stripe Connect account ready for transfers */
  onboarded: boolean;
  minimum_payout: number;
  holding_days: number;
  next_available_at: IsoDateTime | null;
  currencies: string[];
}

export interface EarningTransaction {
  id: Id;
  type: "sale" | "refund" | "payout" | "dispute" | "adjustment" | (string & {});
  description: string;
  transaction_id: Id | null;
  payout_id: Id | null;
  reference: string | null;
  persona_id: Id | null;
  gross: number;
  fee: number;
  /** signed effect on the balance */
  amount: number;
  currency: string;
  status: string | null;
  reason: string | null;
  available_at: IsoDateTime | null;
  created_at: IsoDateTime;
}

export type PayoutStatus = "requested" | "paid" | "failed" | (string & {});

export interface Payout {
  id: Id;
  amount: number;
  currency: string;
  status: PayoutStatus;
  reason: string | null;
  failure_code: string | null;
  reversed_amount: number;
  stripe_transfer: string | null;
  created_at: IsoDateTime;
  settled_at: IsoDateTime | null;
}

export interface OnboardingLink {
  url: string;
  expires_at: number;
  stripe_account: string;
  onboarded: boolean;
}

export type StatementFormat = "csv" | "pdf";
