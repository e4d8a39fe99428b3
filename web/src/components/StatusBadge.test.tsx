import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/react";
import { PersonaStatus, StatusBadge } from "./StatusBadge";

describe("StatusBadge", () => {
  it.each([
    ["draft", "Draft"],
    ["pending", "In review"],
    ["approved", "Published"],
    ["rejected", "Rejected"],
    ["suspended", "Suspended"],
  ] as const)("labels %s as %s", (status, label) => {
    render(<StatusBadge status={status} />);
    const badge = screen.getByText(label);
    expect(badge).toHaveClass(`badge-${status}`);
    expect(badge).toHaveAttribute("data-status", status);
  });

  it("shows the rejection reason", () => {
    render(<PersonaStatus status="rejected" reason="Examples contain personal data" />);
    expect(screen.getByText("Rejected")).toBeInTheDocument();
    expect(screen.getByText(/Examples contain personal data/)).toBeInTheDocument();
  });

  it("hides reasons for other statuses", () => {
    render(<PersonaStatus status="approved" reason="old reason" />);
    expect(screen.queryByText(/old reason/)).not.toBeInTheDocument();
  });
});
