import { useEffect } from "react";

export function useTitle(title: string | null | undefined) {
  useEffect(() => {
    document.title = title ? `${title} · Personas` : "Personas — the creator marketplace";
  }, [title]);
}
