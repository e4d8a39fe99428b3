import { ConfirmDialog } from "./Modal";

/** "Delete this persona?", with what deleting means for its buyers. */
export function DeletePersonaDialog({ name, busy, onConfirm, onCancel }: { name: string; busy: boolean; onConfirm: () => void; onCancel: () => void }) {
  return (
    <ConfirmDialog
      title={`Delete “${name}”?`}
      message="It will be removed from the marketplace. Buyers keep access to what they own. This can't be undone."
      confirmLabel="Delete"
      danger
      busy={busy}
      onConfirm={onConfirm}
      onCancel={onCancel}
    />
  );
}
