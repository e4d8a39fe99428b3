import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { FilterBar } from "./FilterBar";
import { LocationDisplay } from "../test/utils";

const categories = [
  { slug: "fitness", name: "Fitness", count: 0 },
  { slug: "humor", name: "Humor", count: 0 },
  { slug: "business", name: "Business", count: 0 },
];

function setup(route = "/marketplace") {
  render(
    <MemoryRouter initialEntries={[route]}>
      <FilterBar categories={categories} tags={[{ name: "upbeat", count: 0 }]} />
      <LocationDisplay />
    </MemoryRouter>,
  );
  const location = () => new URL(screen.getByTestId("location").textContent!, "http://x");
  return { user: userEvent.setup(), location };
}

describe("FilterBar", () => {
  it("writes the search to the URL on submit", async () => {
    const { user, location } = setup();
    await user.type(screen.getByRole("searchbox", { name: "Search personas" }), "coach{Enter}");
    expect(location().searchParams.get("q")).toBe("coach");
  });

  it("toggles several categories at once", async () => {
    const { user, location } = setup();
    await user.click(screen.getByRole("button", { name: "Fitness" }));
    await user.click(screen.getByRole("button", { name: "Humor" }));
    expect(location().searchParams.getAll("category")).toEqual(["fitness", "humor"]);
    expect(screen.getByRole("button", { name: "Fitness" })).toHaveAttribute("aria-pressed", "true");
    await user.click(screen.getByRole("button", { name: "Fitness" }));
    expect(location().searchParams.getAll("category")).toEqual(["humor"]);
  });

  it("writes selects, ranges and dates to the URL and keeps other filters", async () => {
    const { user, location } = setup("/marketplace?category=business&q=sales");
    await user.selectOptions(screen.getByLabelText("Sort by"), "rating");
    await user.selectOptions(screen.getByLabelText("Price"), "free");
    await user.selectOptions(screen.getByLabelText("Minimum rating"), "4");
    await user.click(screen.getByRole("button", { name: "More filters" }));
    await user.type(screen.getByLabelText("Min downloads"), "10");
    await user.type(screen.getByLabelText("Max downloads"), "500");
    await user.type(screen.getByLabelText("Tag"), "upbeat");
    await user.click(screen.getByRole("button", { name: "Apply filters" }));
    const sp = location().searchParams;
    expect(Object.fromEntries(sp)).toEqual({
      q: "sales",
      category: "business",
      sort: "rating",
      price: "free",
      min_rating: "4",
      min_downloads: "10",
      max_downloads: "500",
      tag: "upbeat",
    });
  });

  it("reads its state from the URL", () => {
    setup("/marketplace?q=hello&category=humor&price=paid&created_after=2024-01-01");
    expect(screen.getByRole("searchbox", { name: "Search personas" })).toHaveValue("hello");
    expect(screen.getByRole("button", { name: "Humor" })).toHaveAttribute("aria-pressed", "true");
    expect(screen.getByLabelText("Price")).toHaveValue("paid");
    expect(screen.getByLabelText("Created after")).toHaveValue("2024-01-01");
  });

  it("clears filters but keeps the sort", async () => {
    const { user, location } = setup("/marketplace?q=x&category=humor&price=paid&sort=newest");
    await user.click(screen.getByRole("button", { name: /Clear filters/ }));
    expect(location().search).toBe("?sort=newest");
    expect(screen.getByRole("searchbox", { name: "Search personas" })).toHaveValue("");
  });
});
