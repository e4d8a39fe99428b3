import type { TokenPair } from "./types";

/**
 * Where the session lives: the access token only in memory, the refresh
 * token in localStorage so a reload (or a second tab) can resume the session.
 */
const REFRESH_KEY = "personas.refresh_token";

type Listener = () => void;

let accessToken: string | null = null;
/** epoch ms when the access token expires */
let accessExpiresAt: number | null = null;
const listeners = new Set<Listener>();

function storage(): Storage | null {
  try {
    return typeof window !== "undefined" ? window.localStorage : null;
  } catch {
    return null;
  }
}

function emit() {
  for (const l of [...listeners]) l();
}

export const tokenStore = {
  getAccessToken(): string | null {
    return accessToken;
  },
  /** Epoch milliseconds, or null when unknown. */
  getAccessExpiresAt(): number | null {
    return accessExpiresAt;
  },
  /** Always read from storage: another tab may have rotated it. */
  getRefreshToken(): string | null {
    return storage()?.getItem(REFRESH_KEY) ?? null;
  },
  setTokens(pair: TokenPair, now: number = Date.now()) {
    accessToken = pair.access_token;
    accessExpiresAt =
      typeof pair.expires_in === "number" && pair.expires_in > 0 ? now + pair.expires_in * 1000 : null;
    if (pair.refresh_token) storage()?.setItem(REFRESH_KEY, pair.refresh_token);
    emit();
  },
  clear() {
    const had = accessToken !== null || this.getRefreshToken() !== null;
    accessToken = null;
    accessExpiresAt = null;
    storage()?.removeItem(REFRESH_KEY);
    if (had) emit();
  },
  /** Forget the in-memory access token only (e.g. it was rejected). */
  dropAccessToken() {
    accessToken = null;
    accessExpiresAt = null;
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  REFRESH_KEY,
};
