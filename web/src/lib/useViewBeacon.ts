// Reports one view of a persona detail page to analytics (once per page visit).

import { useEffect } from "react";
import { reportView } from "../api/analytics";

// document.referrer only describes how the app was entered: after an in-app navigation the
// previous page is ours, and `?ref=` on the link says which list it was.
let entered = false;

export function useViewBeacon(personaId: string | undefined) {
  useEffect(() => {
    if (!personaId) return;
    const ref = new URLSearchParams(window.location.search).get("ref") ?? undefined;
    const referrer = entered ? window.location.origin + "/" : document.referrer || undefined;
    entered = true;
    void reportView(personaId, referrer, ref);
  }, [personaId]);
}
