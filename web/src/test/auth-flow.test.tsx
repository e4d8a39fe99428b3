import { describe, expect, it } from "vitest";
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { tokenStore } from "../api";
import { renderRoutes } from "./renderRoutes";
import { mockFetch, sampleUser } from "./utils";

const dashboardMocks = {
  "GET /api/users/me/personas": { body: { items: [], next_cursor: null } },
  "GET /api/users/me/purchases": { body: { items: [], next_cursor: null } },
  "GET /api/earnings": { body: { currency: "USD", pending_cents: 0, available_cents: 0, paid_cents: 0, lifetime_cents: 0, by_month: [], payout_blockers: [] } },
};

describe("auth flow", () => {
  it("sends anonymous visitors to /login?next= and back after logging in", async () => {
    const { calls } = mockFetch({
      "POST /api/auth/login": { body: { access_token: "acc", refresh_token: "ref", token_type: "Bearer", expires_in: 900 } },
      "GET /api/auth/me": { body: sampleUser },
      ...dashboardMocks,
    });
    renderRoutes("/dashboard/earnings?tab=1");
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent("/login?next=%2Fdashboard%2Fearnings%3Ftab%3D1"));
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText(/^E-mail/), "ada@example.com");
    await user.type(screen.getByLabelText(/^Password/), "correct horse");
    await user.click(screen.getByRole("button", { name: "Log in" }));
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent("/dashboard/earnings?tab=1"));
    expect(calls.find((c) => c.url.pathname === "/api/auth/login")?.body).toEqual({ email: "ada@example.com", password: "correct horse" });
    expect(tokenStore.getRefreshToken()).toBe("ref");
    expect(await screen.findByRole("button", { name: /Account menu for ada/ })).toBeInTheDocument();
  });

  it("shows login errors from the API", async () => {
    mockFetch({ "POST /api/auth/login": { status: 401, body: { title: "Invalid credentials", detail: "E-mail or password is wrong.", code: "invalid_credentials" } } });
    renderRoutes("/login");
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText(/^E-mail/), "a@b.co");
    await user.type(screen.getByLabelText(/^Password/), "nope-nope");
    await user.click(screen.getByRole("button", { name: "Log in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("E-mail or password is wrong.");
  });

  it("resumes a session from the stored refresh token and logs out", async () => {
    window.localStorage.setItem(tokenStore.REFRESH_KEY, "stored-ref");
    const { calls } = mockFetch({
      "POST /api/auth/refresh": { body: { access_token: "acc2", refresh_token: "ref2", token_type: "Bearer", expires_in: 900 } },
      "GET /api/auth/me": { body: sampleUser },
      "POST /api/auth/logout": { status: 204 },
      "GET /api/personas": { body: { items: [], next_cursor: null } },
      "GET /api/categories": { body: { items: [], next_cursor: null } },
      ...dashboardMocks,
    });
    renderRoutes("/dashboard");
    const menu = await screen.findByRole("button", { name: /Account menu for ada/ });
    expect(screen.getByTestId("location")).toHaveTextContent("/dashboard");
    const user = userEvent.setup();
    await user.click(menu);
    await user.click(screen.getByRole("button", { name: "Log out" }));
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent(/^\/$/));
    expect(tokenStore.getRefreshToken()).toBeNull();
    expect(await screen.findByRole("link", { name: "Log in" })).toBeInTheDocument();
    expect(calls.find((c) => c.url.pathname === "/api/auth/logout")?.body).toEqual({ refresh_token: "ref2" });
  });

  it("keeps non-admins out of /admin", async () => {
    window.localStorage.setItem(tokenStore.REFRESH_KEY, "stored-ref");
    mockFetch({
      "POST /api/auth/refresh": { body: { access_token: "acc2", refresh_token: "ref2", token_type: "Bearer", expires_in: 900 } },
      "GET /api/auth/me": { body: sampleUser },
    });
    renderRoutes("/admin");
    expect(await screen.findByRole("heading", { name: "Admins only" })).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Admin" })).not.toBeInTheDocument();
  });

  it("auto-submits the e-mail verification token", async () => {
    const { calls } = mockFetch({ "POST /api/auth/verify-email": { status: 204 } });
    renderRoutes("/verify-email?token=tok123");
    expect(await screen.findByText(/e-mail address is verified/)).toBeInTheDocument();
    expect(calls.filter((c) => c.url.pathname === "/api/auth/verify-email").map((c) => c.body)).toEqual([{ token: "tok123" }]);
  });
});
