import { describe, expect, it, vi } from "vitest";
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { renderApp } from "../test/utils";
import { ReasonDialog } from "./ReasonDialog";

function dialog(run: (reason: string) => Promise<unknown>, onDone: () => void, onClose: () => void) {
  return renderApp(
    <ReasonDialog
      title="Reject “Chef”"
      label="Reason for rejection"
      hint="The creator sees this."
      min={3}
      missing="Tell the creator what to fix."
      submitLabel="Reject persona"
      busyLabel="Rejecting…"
      run={run}
      notice="Rejected “Chef”."
      onDone={onDone}
      onClose={onClose}
    />,
  );
}

describe("ReasonDialog", () => {
  it("asks for a long enough reason, runs with it, then says so, refreshes and closes", async () => {
    const order: string[] = [];
    const run = vi.fn(async (reason: string) => order.push(`run ${reason}`));
    dialog(run, () => order.push("done"), () => order.push("close"));
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Reason for rejection"), " ab");
    await user.click(screen.getByRole("button", { name: "Reject persona" }));
    expect(await screen.findByText("Tell the creator what to fix.")).toBeInTheDocument();
    expect(run).not.toHaveBeenCalled();
    await user.type(screen.getByLabelText("Reason for rejection"), "c");
    await user.click(screen.getByRole("button", { name: "Reject persona" }));
    expect(await screen.findByText("Rejected “Chef”.")).toBeInTheDocument();
    await waitFor(() => expect(order).toEqual(["run abc", "done", "close"]));
  });

  it("keeps the dialog open and shows the error when the action fails", async () => {
    const onClose = vi.fn();
    dialog(() => Promise.reject(new Error("the server said no")), vi.fn(), onClose);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Reason for rejection"), "Add example files");
    await user.click(screen.getByRole("button", { name: "Reject persona" }));
    expect(await screen.findByText(/the server said no/)).toBeInTheDocument();
    expect(onClose).not.toHaveBeenCalled();
  });
});
