import { Link } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { personaUpdates } from "./api";

/** "Updated: v1.2.0 — see what changed" beside a library persona with an unseen new version. */
export function UpdatedMark({ personaId }: { personaId: string }) {
  const { data } = useQuery({ queryKey: ["notifications", "updates"], queryFn: personaUpdates, retry: false });
  const update = data?.items.find((u) => u.persona_id === personaId);
  if (!update) return null;
  return (
    <span className="badge updated-mark">
      Updated: v{update.version} — <Link to={`/marketplace/${encodeURIComponent(personaId)}`}>see what changed</Link>
    </span>
  );
}
