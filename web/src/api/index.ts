export * from "./types";
export * from "./client";
export * from "./endpoints";
export { buildQuery } from "./query";
export type { QueryInit, QueryValue } from "./query";
export { tokenStore } from "./tokens";
export * from "./admin";
