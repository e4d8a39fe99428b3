// The analytics service's endpoints (creator figures, views, discovery lists).

import { request, type BlobResult } from "./client";

export type Granularity = "day" | "week" | "month";

export interface Money {
  currency: string;
  gross: number;
  creator_revenue: number;
  refunded: number;
  refunded_creator: number;
}

export interface Figures {
  views: number;
  unique_viewers: number;
  acquisitions: number;
  purchases: number;
  refunds: number;
  downloads: number;
  revenue: Money[];
  conversion: number | null;
  rating_count: number;
  rating_average: number | null;
}

export interface PeriodFigures extends Figures {
  period: string;
}

export interface SourceFigure {
  source: string;
  referrer_domain: string;
  views: number;
}

export interface FollowerFigure {
  period: string;
  gained: number;
  lost: number;
  total: number;
}

export interface TopPersona {
  persona_id: string;
  name: string;
  views: number;
  acquisitions: number;
  purchases: number;
  downloads: number;
  conversion: number | null;
}

export interface AnalyticsReport {
  from: string;
  to: string;
  granularity: Granularity;
  /** The IANA zone whose days the figures are summed by. */
  time_zone: string;
  as_of: string | null;
  totals: Figures;
  series: PeriodFigures[];
  sources: SourceFigure[];
  followers?: FollowerFigure[];
  top_personas?: TopPersona[];
  name?: string;
}

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

export interface DiscoveryItem {
  persona_id: string;
  name: string;
  creator_id: string;
  category: string | null;
  tags: string[];
  score: number;
  reasons?: string[];
}

interface ItemsPage {
  items: DiscoveryItem[];
  next_cursor: string | null;
}

const enc = encodeURIComponent;

export function getOverview(range: RangeParams): Promise<AnalyticsReport> {
  return request<AnalyticsReport>("/api/analytics/overview", { query: { ...range } });
}

export function getPersonaAnalytics(id: string, range: RangeParams): Promise<AnalyticsReport> {
  return request<AnalyticsReport>(`/api/analytics/personas/${enc(id)}`, { query: { ...range } });
}

export function exportAnalyticsCsv(range: RangeParams): Promise<BlobResult> {
  return request<BlobResult>("/api/analytics/export.csv", { query: { from: range.from, to: range.to, tz: range.tz }, responseType: "blob" });
}

/** The detail page's view beacon; never throws (a lost view must not break the page). */
export async function reportView(personaId: string, referrer?: string, source?: string): Promise<void> {
  try {
    await request("/api/analytics/views", {
      method: "POST",
      body: { persona_id: personaId, referrer, source },
      responseType: "none",
    });
  } catch {
    /* analytics is best effort */
  }
}

export function listTrending(limit = 8): Promise<ItemsPage> {
  return request<ItemsPage>("/api/personas/trending", { query: { limit }, auth: false });
}

export function listSimilar(id: string, limit = 8): Promise<ItemsPage> {
  return request<ItemsPage>(`/api/personas/${enc(id)}/similar`, { query: { limit }, auth: false });
}

export function listAlsoDownloaded(id: string, limit = 8): Promise<ItemsPage> {
  return request<ItemsPage>(`/api/personas/${enc(id)}/also-downloaded`, { query: { limit }, auth: false });
}

export function listRecommendations(limit = 8): Promise<ItemsPage> {
  return request<ItemsPage>("/api/recommendations", { query: { limit } });
}
