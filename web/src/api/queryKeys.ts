import type { PersonaFilters } from "./types";

/** TanStack Query keys, in one place so invalidation stays consistent. */
export const qk = {
  me: ["me"] as const,
  personas: (filters: PersonaFilters) => ["personas", "list", filters] as const,
  persona: (id: string) => ["personas", "detail", id] as const,
  versions: (id: string) => ["personas", "versions", id] as const,
  preview: (id: string) => ["personas", "preview", id] as const,
  reviews: (id: string) => ["personas", "reviews", id] as const,
  categories: ["categories"] as const,
  tags: ["tags"] as const,
  profile: (username: string) => ["profile", username] as const,
  myPersonas: ["me", "personas"] as const,
  myPurchases: ["me", "purchases"] as const,
  payments: ["me", "payments"] as const,
  earnings: ["me", "earnings"] as const,
  earningTransactions: ["me", "earnings", "transactions"] as const,
  payouts: ["me", "payouts"] as const,
  moderation: ["admin", "moderation"] as const,
  reports: ["admin", "reports"] as const,
  adminPayments: ["admin", "payments"] as const,
};
