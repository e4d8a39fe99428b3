import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";
import { tokenStore } from "../api/tokens";
import { setSessionExpiredHandler } from "../api/client";

afterEach(() => {
  cleanup();
  tokenStore.clear();
  setSessionExpiredHandler(null);
  window.localStorage.clear();
});

// jsdom has no layout: make scrolling a no-op instead of a console error.
window.scrollTo = (() => undefined) as typeof window.scrollTo;
