import { describe, expect, it, vi } from "vitest";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { ApiError } from "../api";
import { PersonaForm, parseTags } from "./PersonaForm";
import { samplePersona } from "../test/utils";

const categories = [
  { slug: "fitness", name: "Fitness", count: 0 },
  { slug: "humor", name: "Humor", count: 0 },
];

describe("PersonaForm", () => {
  it("shows API field errors next to each field", () => {
    const error = new ApiError(422, {
      title: "Validation failed",
      errors: [
        { field: "name", message: "Name is already taken" },
        { field: "body.price_cents", message: "Price must be at least 0.50" },
        { field: "files", message: "Only text files are allowed" },
      ],
    });
    render(<PersonaForm categories={categories} withFiles intents={["draft", "pending"]} error={error} onSubmit={vi.fn()} />);
    const name = screen.getByLabelText(/^Name/);
    expect(name).toHaveAttribute("aria-invalid", "true");
    expect(name).toHaveAccessibleDescription(/Name is already taken/);
    expect(screen.getByLabelText("Price")).toHaveAccessibleDescription(/at least 0.50/);
    expect(screen.getByText("Only text files are allowed")).toBeInTheDocument();
    // every error belongs to a field, so no banner
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("shows a banner for errors that aren't about a field", () => {
    render(<PersonaForm categories={categories} intents={["save"]} error={new ApiError(409, { title: "Conflict", detail: "Someone else edited this persona" })} onSubmit={vi.fn()} />);
    expect(screen.getByRole("alert")).toHaveTextContent("Someone else edited this persona");
  });

  it("validates locally before submitting", async () => {
    const onSubmit = vi.fn();
    const user = userEvent.setup();
    render(<PersonaForm categories={categories} withFiles intents={["draft", "pending"]} onSubmit={onSubmit} />);
    await user.click(screen.getByRole("button", { name: "Submit for review" }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByText("Give your persona a name.")).toBeInTheDocument();
    expect(screen.getByText("Pick a category.")).toBeInTheDocument();
    expect(screen.getByText(/Add at least one file/)).toBeInTheDocument();
  });

  it("submits parsed metadata, cents and files", async () => {
    const onSubmit = vi.fn();
    const user = userEvent.setup();
    render(<PersonaForm categories={categories} withFiles intents={["draft", "pending"]} onSubmit={onSubmit} />);
    await user.type(screen.getByLabelText(/^Name/), "Gym buddy");
    await user.type(screen.getByLabelText(/^Summary/), "Motivating and short");
    await user.type(screen.getByLabelText("Description"), "Long text");
    await user.selectOptions(screen.getByLabelText(/^Category/), "fitness");
    await user.type(screen.getByLabelText("Tags"), "Gym, #motivation, gym");
    await user.clear(screen.getByLabelText("Price"));
    await user.type(screen.getByLabelText("Price"), "4.99");
    await user.click(screen.getByLabelText("Commercial use"));
    await user.upload(screen.getByLabelText("Persona files"), new File(["hi"], "prompt.md", { type: "text/markdown" }));
    expect(screen.getByText("prompt.md")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Submit for review" }));
    expect(onSubmit).toHaveBeenCalledOnce();
    const [input, intent, files] = onSubmit.mock.calls[0];
    expect(intent).toBe("pending");
    expect(input).toEqual({
      name: "Gym buddy",
      short_description: "Motivating and short",
      description: "Long text",
      category: "fitness",
      tags: ["gym", "motivation"],
      price_cents: 499,
      currency: "usd",
      usage_terms: { personal: true, commercial: true, derivatives: false },
    });
    expect(files.map((f: File) => f.name)).toEqual(["prompt.md"]);
  });

  it("prefills from an existing persona", () => {
    render(<PersonaForm initial={samplePersona({ price_cents: 1250, tags: ["a", "b"] })} categories={categories} intents={["save"]} onSubmit={vi.fn()} />);
    expect(screen.getByLabelText(/^Name/)).toHaveValue("Cheerful coach");
    expect(screen.getByLabelText("Price")).toHaveValue("12.50");
    expect(screen.getByLabelText("Tags")).toHaveValue("a, b");
    expect(screen.getByRole("button", { name: "Save changes" })).toBeInTheDocument();
  });

  it("shows upload progress while busy", () => {
    render(<PersonaForm categories={categories} withFiles intents={["draft"]} busy progress={0.42} onSubmit={vi.fn()} />);
    expect(screen.getByRole("progressbar", { name: "Uploading" })).toHaveAttribute("aria-valuenow", "42");
  });

  it("parses tags", () => {
    expect(parseTags(" A, b ,,#c\nA ")).toEqual(["a", "b", "c"]);
  });
});
