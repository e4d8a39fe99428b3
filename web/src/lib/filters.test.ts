import { describe, expect, it } from "vitest";
import { countActiveFilters, filtersFromSearch, filtersToSearch } from "./filters";

describe("marketplace filters <-> URL", () => {
  it("reads every filter from the query string", () => {
    const sp = new URLSearchParams(
      "q=coach&category=fitness&category=humor&tag=upbeat&min_rating=4&min_downloads=10&max_downloads=500&created_after=2024-01-01&created_before=2024-12-31&price=paid&sort=rating",
    );
    expect(filtersFromSearch(sp)).toEqual({
      q: "coach",
      category: ["fitness", "humor"],
      tag: "upbeat",
      min_rating: 4,
      min_downloads: 10,
      max_downloads: 500,
      created_after: "2024-01-01",
      created_before: "2024-12-31",
      price: "paid",
      sort: "rating",
    });
  });

  it("drops invalid values", () => {
    expect(filtersFromSearch(new URLSearchParams("sort=bogus&price=cheap&min_rating=x&created_after=yesterday"))).toEqual({});
  });

  it("round-trips", () => {
    const f = { q: "a b", category: ["x", "y"], price: "free" as const, sort: "newest" as const, min_downloads: 5 };
    const sp = filtersToSearch(f);
    expect(sp.toString()).toBe("q=a+b&category=x&category=y&min_downloads=5&price=free&sort=newest");
    expect(filtersFromSearch(sp)).toEqual(f);
  });

  it("counts active filters (not search or sort)", () => {
    expect(countActiveFilters({ q: "x", sort: "rating" })).toBe(0);
    expect(countActiveFilters({ category: ["a", "b"], price: "free" })).toBe(3);
  });
});
