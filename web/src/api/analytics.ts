// The analytics service's endpoints (creator figures, views, discovery lists), on the generated
// client: paths, query parameters and answers are checked against `schema.d.ts`.

import { api, blob, data, page, publicApi, type BlobResult } from "./client";
import type { components } from "./schema";

type Schemas = components["schemas"];

export type Granularity = Schemas["Overview"]["granularity"];
export type Money = Schemas["Money"];
export type Figures = Schemas["Figures"];
export type PeriodFigures = Schemas["PeriodFigures"];
export type SourceFigure = Schemas["SourceFigure"];
export type FollowerFigure = Schemas["FollowerFigure"];
export type TopPersona = Schemas["TopPersona"];
export type Overview = Schemas["Overview"];
export type PersonaReport = Schemas["PersonaReport"];

/** Either report: a persona's has its name, the creator's overview its followers and top personas. */
export type AnalyticsReport = Omit<Overview, "creator_id" | "followers" | "top_personas"> &
  Partial<Pick<Overview, "followers" | "top_personas">> &
  Partial<Pick<PersonaReport, "name">>;

export interface RangeParams {
  from?: string;
  to?: string;
  granularity?: Granularity;
  /** IANA time zone of the days (the browser's: see browserTimeZone). */
  tz?: string;
}

/** The browser's IANA time zone; figures are summed by the creator's own days. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** A persona in a discovery list; recommendations say why (`reasons`). */
export type DiscoveryItem = Schemas["TrendingPersona"] & { reasons?: Schemas["Recommended"]["reasons"] };

export function getOverview(range: RangeParams): Promise<Overview> {
  return data(api.GET("/api/analytics/overview", { params: { query: range } }));
}

export function getPersonaAnalytics(id: string, range: RangeParams): Promise<PersonaReport> {
  return data(api.GET("/api/analytics/personas/{persona_id}", { params: { path: { persona_id: id }, query: range } }));
}

export function exportAnalyticsCsv(range: RangeParams): Promise<BlobResult> {
  return blob(
    api.GET("/api/analytics/export.csv", {
      params: { query: { from: range.from, to: range.to, tz: range.tz } },
      parseAs: "blob",
      headers: { Accept: "text/csv" },
    }),
  );
}

/** The detail page's view beacon; never throws (a lost view must not break the page). */
export async function reportView(personaId: string, referrer?: string, source?: string): Promise<void> {
  try {
    await api.POST("/api/analytics/views", { body: { persona_id: personaId, referrer, source } });
  } catch {
    /* analytics is best effort */
  }
}

export function listTrending(limit = 8) {
  return page(publicApi.GET("/api/personas/trending", { params: { query: { limit } } }));
}

export function listSimilar(id: string, limit = 8) {
  return page(publicApi.GET("/api/personas/{persona_id}/similar", { params: { path: { persona_id: id }, query: { limit } } }));
}

export function listAlsoDownloaded(id: string, limit = 8) {
  return page(publicApi.GET("/api/personas/{persona_id}/also-downloaded", { params: { path: { persona_id: id }, query: { limit } } }));
}

export function listRecommendations(limit = 8) {
  return page(api.GET("/api/recommendations", { params: { query: { limit } } }));
}
