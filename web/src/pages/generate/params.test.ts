import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/client";
import { csvErrors } from "./BatchTab";
import type { Template } from "./generationApi";
import { defaults, paramsSchema } from "./params";
import { paramApiErrors } from "./shared";

const caption: Template = {
  id: "builtin:caption",
  name: "Caption",
  description: "",
  version: 1,
  builtin: true,
  params_schema: {
    properties: {
      picture: { type: "string", maxLength: 20 },
      tone: { type: "string", enum: ["friendly", "witty"], default: "friendly" },
      words: { type: "integer", minimum: 5, maximum: 60, default: 20 },
      emoji: { type: "boolean" },
    },
    required: ["picture"],
  },
};

describe("paramsSchema", () => {
  it("accepts good parameters and names each bad one", () => {
    expect(paramsSchema(caption).safeParse({ picture: "a cat", tone: "witty", words: 10 }).success).toBe(true);
    const bad = paramsSchema(caption).safeParse({ picture: "", tone: "angry", words: 4.5, emoji: "yes" });
    expect(bad.success).toBe(false);
    const fields = new Set(bad.error!.issues.map((i) => String(i.path[0])));
    expect(fields).toEqual(new Set(["picture", "tone", "words", "emoji"]));
  });

  it("fills the defaults", () => {
    expect(defaults(caption)).toEqual({ tone: "friendly", words: 20 });
  });
});

describe("server errors", () => {
  const problem = new ApiError(422, {
    errors: [
      { field: "csv.line 3.row", message: "picture is required" },
      { field: "csv.line 4.words", message: "not a number" },
      { field: "params.words", message: "at most 60" },
    ],
  });

  it("lists CSV problems by line", () => {
    expect(csvErrors(problem)).toEqual(["Line 3: picture is required", "Line 4, words: not a number"]);
    expect(csvErrors(new Error("x"))).toEqual([]);
  });

  it("puts parameter problems on their fields", () => {
    expect(paramApiErrors(problem.errors)).toEqual({ words: "at most 60" });
  });
});
