import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { Markdown, prettyJson } from "./Markdown";

describe("Markdown", () => {
  it("renders headings, lists, emphasis, code and safe links", () => {
    const { container } = render(
      <Markdown source={"# Title\n\nSome **bold** and *soft* text with `code`.\n\n- one\n- two\n\n1. first\n2. second\n\n> quoted\n\n[site](https://example.com)"} />,
    );
    expect(screen.getByRole("heading", { name: "Title" }).tagName).toBe("H3");
    expect(container.querySelector("strong")?.textContent).toBe("bold");
    expect(container.querySelector("em")?.textContent).toBe("soft");
    expect(container.querySelector("code")?.textContent).toBe("code");
    expect(container.querySelectorAll("ul li")).toHaveLength(2);
    expect(container.querySelectorAll("ol li")).toHaveLength(2);
    expect(container.querySelector("blockquote")?.textContent).toBe("quoted");
    const link = screen.getByRole("link", { name: "site" });
    expect(link.getAttribute("href")).toBe("https://example.com");
    expect(link.getAttribute("rel")).toContain("noopener");
  });

  it("never turns the file's content into markup or script", () => {
    const { container } = render(
      <Markdown source={'<img src=x onerror="alert(1)"><script>alert(2)</script>\n\n[click](javascript:alert(3)) [data](data:text/html,hi)'} />,
    );
    expect(container.querySelector("img")).toBeNull();
    expect(container.querySelector("script")).toBeNull();
    expect(container.querySelector("a")).toBeNull();
    expect(container.textContent).toContain("<script>alert(2)</script>");
    expect(container.textContent).toContain("click");
  });
});

describe("prettyJson", () => {
  it("pretty-prints complete JSON and leaves the rest alone", () => {
    expect(prettyJson('{"a":[1,2]}', false)).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
    expect(prettyJson('{"a":', false)).toBe('{"a":');
    expect(prettyJson('{"a":1}', true)).toBe('{"a":1}');
  });
});
