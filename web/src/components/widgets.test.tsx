import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { BarChart, netByMonth } from "./BarChart";
import { FileDropZone } from "./FileDropZone";
import { ConfirmDialog } from "./Modal";
import { Stars } from "./Stars";

function DropZoneHarness() {
  const [files, setFiles] = useState<File[]>([]);
  return <FileDropZone label="Files" files={files} onChange={setFiles} />;
}

describe("FileDropZone", () => {
  it("adds files from the labelled input and from a drop, skipping duplicates", async () => {
    const user = userEvent.setup();
    render(<DropZoneHarness />);
    const a = new File(["aaa"], "a.md", { lastModified: 1 });
    await user.upload(screen.getByLabelText("Files"), a);
    fireEvent.drop(screen.getByText(/Drag files here/).closest(".dropzone")!, { dataTransfer: { files: [a, new File(["bb"], "b.txt", { lastModified: 2 })] } });
    const list = screen.getByRole("list", { name: "Selected files" });
    expect(list).toHaveTextContent("a.md");
    expect(list).toHaveTextContent("b.txt");
    expect(list).toHaveTextContent("2 files");
    await user.click(screen.getByRole("button", { name: "Remove a.md" }));
    expect(list).not.toHaveTextContent("a.md");
  });
});

describe("BarChart", () => {
  it("draws one bar per month, in order, with an accessible summary", () => {
    const { container } = render(
      <BarChart
        currency="USD"
        data={netByMonth([
          { month: "2024-02", gross: 800, fees: 240, refunds: 60, net: 500 },
          { month: "2024-01", gross: 1500, fees: 500, refunds: 0, net: 1000 },
          { month: "2024-03", gross: 0, fees: 0, refunds: 0, net: 0 },
        ])}
      />,
    );
    const bars = container.querySelectorAll("rect.chart-bar");
    expect(bars).toHaveLength(3);
    // tallest bar is January (first, sorted by month)
    expect(Number(bars[0].getAttribute("height"))).toBeGreaterThan(Number(bars[1].getAttribute("height")));
    expect(Number(bars[2].getAttribute("height"))).toBe(0);
    expect(screen.getByRole("img")).toHaveAccessibleName(/Jan 2024 \$10\.00, Feb 2024 \$5\.00/);
  });
});

describe("ConfirmDialog", () => {
  it("confirms, cancels and closes on Escape", async () => {
    const onConfirm = vi.fn();
    const onCancel = vi.fn();
    const user = userEvent.setup();
    render(<ConfirmDialog title="Delete it?" message="Really?" confirmLabel="Delete" danger onConfirm={onConfirm} onCancel={onCancel} />);
    expect(screen.getByRole("dialog", { name: "Delete it?" })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Delete" }));
    expect(onConfirm).toHaveBeenCalledOnce();
    await user.keyboard("{Escape}");
    expect(onCancel).toHaveBeenCalledOnce();
  });
});

describe("Stars", () => {
  it("describes the rating", () => {
    render(<Stars value={4.25} count={8} />);
    expect(screen.getByRole("img", { name: "Rated 4.3 out of 5" })).toBeInTheDocument();
    expect(screen.getByText("4.3 (8)")).toBeInTheDocument();
  });
  it("handles unrated personas", () => {
    render(<Stars value={null} count={0} />);
    expect(screen.getByRole("img", { name: "No ratings yet" })).toBeInTheDocument();
  });
});
