import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useQueryClient } from "@tanstack/react-query";
import * as api from "../api";
import { refreshSession, setSessionExpiredHandler, tokenStore } from "../api";
import type { User } from "../api";

export type AuthStatus = "loading" | "authenticated" | "anonymous";

export interface AuthContextValue {
  status: AuthStatus;
  user: User | null;
  isAdmin: boolean;
  /** True after the user logged out on purpose (protected pages then go home, not to /login). */
  signedOut: boolean;
  login(email: string, password: string): Promise<User>;
  logout(): Promise<void>;
  /**
   * Re-read /auth/me (after a profile change). With `newToken`, first trade the
   * refresh token for a new access token, whose claims (email_verified, roles)
   * the other services trust: needed after an e-mail verification.
   */
  reloadUser(opts?: { newToken?: boolean }): Promise<void>;
  setUser(user: User): void;
}

const AuthContext = createContext<AuthContextValue | null>(null);

/** Refresh this long before the access token expires. */
const REFRESH_MARGIN_MS = 60_000;

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [user, setUserState] = useState<User | null>(null);
  const [signedOut, setSignedOut] = useState(false);
  const [status, setStatus] = useState<AuthStatus>(() => (tokenStore.getRefreshToken() ? "loading" : "anonymous"));
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const becomeAnonymous = useCallback(() => {
    setUserState(null);
    setStatus("anonymous");
    queryClient.removeQueries({ queryKey: ["me"] });
    queryClient.removeQueries({ queryKey: ["admin"] });
  }, [queryClient]);

  const loadUser = useCallback(async () => {
    const me = await api.getMe();
    setUserState(me);
    setStatus("authenticated");
    return me;
  }, []);

  // Resume a session from the stored refresh token.
  const resume = useCallback(async () => {
    if (!tokenStore.getRefreshToken()) {
      becomeAnonymous();
      return;
    }
    setStatus((s) => (s === "authenticated" ? s : "loading"));
    try {
      const ok = tokenStore.getAccessToken() ? true : await refreshSession();
      if (!ok) {
        // Network failure keeps the refresh token; a rejected one was cleared.
        becomeAnonymous();
        return;
      }
      await loadUser();
    } catch {
      becomeAnonymous();
    }
  }, [becomeAnonymous, loadUser]);

  useEffect(() => {
    void resume();
  }, [resume]);

  // A refresh that fails anywhere (e.g. inside a request) ends the session.
  useEffect(() => {
    setSessionExpiredHandler(becomeAnonymous);
    return () => setSessionExpiredHandler(null);
  }, [becomeAnonymous]);

  // Silent refresh shortly before the access token expires.
  useEffect(() => {
    const schedule = () => {
      clearTimeout(timer.current);
      const expiresAt = tokenStore.getAccessExpiresAt();
      if (!expiresAt || !tokenStore.getRefreshToken()) return;
      const delay = Math.max(5_000, expiresAt - Date.now() - REFRESH_MARGIN_MS);
      timer.current = setTimeout(() => {
        void refreshSession();
      }, delay);
    };
    schedule();
    const unsubscribe = tokenStore.subscribe(schedule);
    return () => {
      unsubscribe();
      clearTimeout(timer.current);
    };
  }, []);

  // Another tab logged in or out.
  useEffect(() => {
    const onStorage = (e: StorageEvent) => {
      if (e.key !== tokenStore.REFRESH_KEY) return;
      if (e.newValue === null) {
        tokenStore.dropAccessToken();
        becomeAnonymous();
      } else if (e.oldValue === null) {
        void resume();
      }
    };
    window.addEventListener("storage", onStorage);
    return () => window.removeEventListener("storage", onStorage);
  }, [becomeAnonymous, resume]);

  const login = useCallback(
    async (email: string, password: string) => {
      const pair = await api.login({ email, password });
      tokenStore.setTokens(pair);
      queryClient.removeQueries({ queryKey: ["me"] });
      setSignedOut(false);
      return loadUser();
    },
    [loadUser, queryClient],
  );

  const logout = useCallback(async () => {
    const refresh = tokenStore.getRefreshToken();
    try {
      if (refresh) await api.logout(refresh);
    } catch {
      /* the local session ends regardless */
    }
    setSignedOut(true);
    tokenStore.clear();
    becomeAnonymous();
    queryClient.clear();
  }, [becomeAnonymous, queryClient]);

  const reloadUser = useCallback(
    async (opts?: { newToken?: boolean }) => {
      if (status === "anonymous") return;
      if (opts?.newToken) await refreshSession();
      await loadUser();
    },
    [loadUser, status],
  );

  const value = useMemo<AuthContextValue>(
    () => ({
      status,
      user,
      isAdmin: !!user?.roles?.includes("admin"),
      signedOut,
      login,
      logout,
      reloadUser,
      setUser: setUserState,
    }),
    [status, user, signedOut, login, logout, reloadUser],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error("useAuth must be used inside <AuthProvider>");
  return ctx;
}

/** Only same-site paths are valid `next` targets (no "//evil.example"). */
export function safeNext(next: string | null | undefined, fallback = "/dashboard"): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return fallback;
  return next;
}

export function loginPath(location: { pathname: string; search: string; hash?: string }): string {
  const next = `${location.pathname}${location.search}${location.hash ?? ""}`;
  return `/login?next=${encodeURIComponent(next)}`;
}
