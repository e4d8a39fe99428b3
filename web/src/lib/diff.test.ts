import { describe, expect, it } from "vitest";
import { diffParams, diffWords } from "./diff";
import { readChatStream } from "../pages/generate/generationApi";

describe("diffWords", () => {
  it("marks removed and added words and keeps the rest", () => {
    const parts = diffWords("Fresh pasta tonight, with basil.", "Fresh pasta today, with basil and love.");
    expect(parts).toEqual([
      { kind: "same", text: "Fresh pasta " },
      { kind: "removed", text: "tonight, " },
      { kind: "added", text: "today, " },
      { kind: "same", text: "with " },
      { kind: "removed", text: "basil." },
      { kind: "added", text: "basil and love." },
    ]);
  });

  it("gives each text back from its side of the parts", () => {
    const before = "one two  three\nfour";
    const after = "zero one three\nfour five";
    const parts = diffWords(before, after);
    expect(parts.filter((p) => p.kind !== "added").map((p) => p.text).join("")).toBe(before);
    expect(parts.filter((p) => p.kind !== "removed").map((p) => p.text).join("")).toBe(after);
  });

  it("handles empty texts", () => {
    expect(diffWords("", "")).toEqual([]);
    expect(diffWords("", "new")).toEqual([{ kind: "added", text: "new" }]);
  });
});

describe("diffParams", () => {
  it("lists only the parameters that changed", () => {
    expect(diffParams({ words: 40, tone: "calm", x: true }, { words: 10, tone: "calm", y: "new" })).toEqual({
      words: { from: 40, to: 10 },
      x: { from: true, to: undefined },
      y: { from: undefined, to: "new" },
    });
  });
});

describe("readChatStream", () => {
  it("hands on each delta's text until [DONE], across chunk boundaries", async () => {
    const chunks = [
      'data: {"choices":[{"delta":{"role":"assistant"}}]}\n\ndata: {"choices":[{"delta":{"content":"Hel',
      'lo"}}]}\n\n',
      'data: {"choices":[{"delta":{"content":" there"}}]}\n\ndata: [DONE]\n\ndata: {"choices":[{"delta":{"content":"late"}}]}\n\n',
    ];
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (const ch of chunks) c.enqueue(new TextEncoder().encode(ch));
        c.close();
      },
    });
    const got: string[] = [];
    await readChatStream(body as NonNullable<Response["body"]>, (t) => got.push(t));
    expect(got.join("")).toBe("Hello there");
  });
});
