import { afterEach, describe, expect, it, vi } from "vitest";
import { act, render, screen, waitFor } from "@testing-library/react";
import { QueryClientProvider } from "@tanstack/react-query";
import { AuthProvider, safeNext, useAuth } from "./AuthContext";
import { tokenStore } from "../api";
import { mockFetch, sampleUser, testQueryClient } from "../test/utils";

function Probe() {
  const { status, user } = useAuth();
  return <div data-testid="auth">{`${status}:${user?.username ?? "-"}`}</div>;
}

function renderAuth() {
  render(
    <QueryClientProvider client={testQueryClient()}>
      <AuthProvider>
        <Probe />
      </AuthProvider>
    </QueryClientProvider>,
  );
}

afterEach(() => vi.useRealTimers());

describe("AuthProvider", () => {
  it("is anonymous without a stored refresh token", async () => {
    mockFetch({});
    renderAuth();
    expect(screen.getByTestId("auth")).toHaveTextContent("anonymous:-");
  });

  it("refreshes the access token shortly before it expires", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    window.localStorage.setItem(tokenStore.REFRESH_KEY, "r0");
    let n = 0;
    const { calls } = mockFetch({
      "POST /api/auth/refresh": () => ({ body: { access_token: `a${++n}`, refresh_token: `r${n}`, token_type: "Bearer", expires_in: 120 } }),
      "GET /api/auth/me": { body: sampleUser },
    });
    renderAuth();
    await waitFor(() => expect(screen.getByTestId("auth")).toHaveTextContent("authenticated:ada"));
    expect(tokenStore.getAccessToken()).toBe("a1");
    // expires in 120 s; the refresh is due 60 s before that
    await act(async () => {
      await vi.advanceTimersByTimeAsync(61_000);
    });
    await waitFor(() => expect(tokenStore.getAccessToken()).toBe("a2"));
    expect(calls.filter((c) => c.url.pathname === "/api/auth/refresh").map((c) => c.body)).toEqual([{ refresh_token: "r0" }, { refresh_token: "r1" }]);
    expect(tokenStore.getRefreshToken()).toBe("r2");
  });

  it("becomes anonymous when the stored refresh token is rejected", async () => {
    window.localStorage.setItem(tokenStore.REFRESH_KEY, "revoked");
    mockFetch({ "POST /api/auth/refresh": { status: 401, body: { title: "Revoked" } } });
    renderAuth();
    await waitFor(() => expect(screen.getByTestId("auth")).toHaveTextContent("anonymous:-"));
    expect(tokenStore.getRefreshToken()).toBeNull();
  });

  it("follows a logout in another tab", async () => {
    window.localStorage.setItem(tokenStore.REFRESH_KEY, "r0");
    mockFetch({
      "POST /api/auth/refresh": { body: { access_token: "a1", refresh_token: "r1", token_type: "Bearer", expires_in: 900 } },
      "GET /api/auth/me": { body: sampleUser },
    });
    renderAuth();
    await waitFor(() => expect(screen.getByTestId("auth")).toHaveTextContent("authenticated:ada"));
    act(() => {
      window.localStorage.removeItem(tokenStore.REFRESH_KEY);
      window.dispatchEvent(new StorageEvent("storage", { key: tokenStore.REFRESH_KEY, oldValue: "r1", newValue: null }));
    });
    expect(screen.getByTestId("auth")).toHaveTextContent("anonymous:-");
    expect(tokenStore.getAccessToken()).toBeNull();
  });
});

describe("safeNext", () => {
  it("accepts only same-site paths", () => {
    expect(safeNext("/dashboard/earnings?x=1")).toBe("/dashboard/earnings?x=1");
    for (const elsewhere of ["//evil.example", "https://evil.example", "/\\evil.example", null]) expect(safeNext(elsewhere)).toBe("/dashboard");
  });
});
