// Admin and moderation endpoints added for the user list, version review and creator trust,
// plus the public fee quote. Types are the generated schema's.

import { api, data, page, publicApi } from "./client";
import type { components } from "./schema";
import type { ListParams, Page } from "./types";

type Schemas = components["schemas"];
export type AdminUser = Schemas["AdminUserOut"];
export type VersionReview = Schemas["VersionReviewOut"];
export type ReviewFiles = Schemas["ReviewFilesOut"];
export type FeeQuote = Schemas["FeeQuote"];

function paging(params?: ListParams) {
  return { limit: params?.limit, cursor: params?.cursor ?? undefined };
}

// ---------------------------------------------------------------- users (identity)

export function listAdminUsers(params?: ListParams & { q?: string }): Promise<Page<AdminUser>> {
  return page(api.GET("/api/admin/users", { params: { query: { q: params?.q || undefined, ...paging(params) } } }));
}

export function suspendUser(id: string, reason: string): Promise<AdminUser> {
  return data(api.POST("/api/admin/users/{user_id}/suspend", { params: { path: { user_id: id } }, body: { reason } }));
}

export function setUserRoles(id: string, roles: string[]): Promise<AdminUser> {
  return data(api.POST("/api/admin/users/{user_id}/roles", { params: { path: { user_id: id } }, body: { roles } }));
}

// ---------------------------------------------------------------- moderation (catalog)

export function getVersionQueue(params?: ListParams): Promise<Page<VersionReview>> {
  return page(api.GET("/api/admin/moderation/versions", { params: { query: paging(params) } }));
}

export function approveVersion(personaId: string, version: string): Promise<VersionReview> {
  return data(
    api.POST("/api/admin/personas/{persona_id}/versions/{version}/approve", { params: { path: { persona_id: personaId, version } } }),
  );
}

export function rejectVersion(personaId: string, version: string, reason: string): Promise<VersionReview> {
  return data(
    api.POST("/api/admin/personas/{persona_id}/versions/{version}/reject", {
      params: { path: { persona_id: personaId, version } },
      body: { reason },
    }),
  );
}

/** Every file of a version as text (the version waiting for review when none is named). */
export function getReviewFiles(personaId: string, version?: string): Promise<ReviewFiles> {
  return data(api.GET("/api/admin/personas/{persona_id}/files", { params: { path: { persona_id: personaId }, query: { version } } }));
}

export function setCreatorTrusted(creatorId: string, trusted: boolean): Promise<{ creator_id: string; trusted: boolean }> {
  return data(api.PUT("/api/admin/creators/{creator_id}/trust", { params: { path: { creator_id: creatorId } }, body: { trusted } }));
}

export function getCreatorTrusted(creatorId: string): Promise<{ creator_id: string; trusted: boolean }> {
  return data(api.GET("/api/admin/creators/{creator_id}/trust", { params: { path: { creator_id: creatorId } } }));
}

// ---------------------------------------------------------------- the fee rule (billing)

/** What the creator earns at `amount` cents: the split every sale records. */
export function getFeeQuote(amount: number, currency: string): Promise<FeeQuote> {
  return data(publicApi.GET("/api/payments/fee-quote", { params: { query: { amount, currency } } }));
}
