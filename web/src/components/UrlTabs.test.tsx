import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { TabbedPage } from "./UrlTabs";

const TABS = [
  { key: "one", label: "One", panel: <p>first panel</p> },
  { key: "two", label: "Two", panel: <p>second panel</p> },
];

function page(route: string) {
  return render(
    <MemoryRouter initialEntries={[route]}>
      <TabbedPage title="Things" tabs={TABS} name="things" label="Thing sections" />
    </MemoryRouter>,
  );
}

describe("TabbedPage", () => {
  it("titles the page and the document and opens the tab the URL names", async () => {
    page("/things?tab=two");
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("Things");
    expect(document.title).toBe("Things · Personas");
    expect(screen.getByRole("tab", { name: "Two" })).toHaveAttribute("aria-selected", "true");
    expect(screen.getByRole("tabpanel")).toHaveTextContent("second panel");
    await userEvent.setup().click(screen.getByRole("tab", { name: "One" }));
    expect(screen.getByRole("tabpanel")).toHaveTextContent("first panel");
  });

  it("opens the first tab when the URL names none", () => {
    page("/things");
    expect(screen.getByRole("tablist", { name: "Thing sections" })).toBeInTheDocument();
    expect(screen.getByRole("tabpanel")).toHaveTextContent("first panel");
  });
});
