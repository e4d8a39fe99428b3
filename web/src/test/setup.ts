import "@testing-library/jest-dom/vitest";
import { cleanup, configure } from "@testing-library/react";
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

// A lazy page can take more than the default second to load on a busy machine; findBy* waits longer.
configure({ asyncUtilTimeout: 10_000 });
