import { describe, expect, it } from "vitest";
import { imageProblem, personaFilesProblem } from "./files";

const file = (name: string, size = 10, type = "") => new File([new Uint8Array(size)], name, { type });

describe("persona files", () => {
  it("accepts Word, PDF and OpenDocument files and explains what it refuses", () => {
    expect(personaFilesProblem([file("prompt.docx"), file("post.pdf"), file("notes.odt"), file("a.md")])).toBeUndefined();
    expect(personaFilesProblem([file("prompt.docm")])).toMatch(/macros/);
    expect(personaFilesProblem([file("old.doc")])).toMatch(/save it as \.docx/);
  });
});

describe("images", () => {
  it("takes PNG, JPEG and WebP up to 8 MB", () => {
    expect(imageProblem(file("cover.JPG"))).toBeUndefined();
    expect(imageProblem(file("photo", 10, "image/webp"))).toBeUndefined();
    expect(imageProblem(file("anim.gif", 10, "image/gif"))).toMatch(/PNG, JPEG or WebP/);
    expect(imageProblem(file("huge.png", 8 * 1024 * 1024 + 1))).toMatch(/8 MB/);
  });
});
