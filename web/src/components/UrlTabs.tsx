import type { ReactNode } from "react";
import { useSearchParams } from "react-router";
import { useTitle } from "../lib/useTitle";

export interface UrlTab {
  key: string;
  label: string;
  panel: ReactNode;
}

/**
 * Tabs whose choice lives in the URL (`?tab=key`, the first tab by default), so a reload or a
 * shared link opens the same one. `name` prefixes the tab and panel ids.
 */
export function UrlTabs({ tabs, name, label }: { tabs: readonly UrlTab[]; name: string; label: string }) {
  const [params, setParams] = useSearchParams();
  const current = tabs.find((t) => t.key === params.get("tab")) ?? tabs[0];
  return (
    <>
      <div className="tabs" role="tablist" aria-label={label}>
        {tabs.map(({ key, label: text }) => (
          <button
            key={key}
            type="button"
            role="tab"
            id={`${name}-tab-${key}`}
            aria-selected={current.key === key}
            aria-controls={`${name}-panel-${key}`}
            className={`tab${current.key === key ? " active" : ""}`}
            onClick={() => setParams({ tab: key }, { replace: true })}
          >
            {text}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${name}-panel-${current.key}`} aria-labelledby={`${name}-tab-${current.key}`} className="stack">
        {current.panel}
      </div>
    </>
  );
}

/** A page that is its title over URL tabs (admin, generate); the title names the document too. */
export function TabbedPage({ title, className = "page", ...tabs }: { title: string; className?: string; tabs: readonly UrlTab[]; name: string; label: string }) {
  useTitle(title);
  return (
    <div className={className}>
      <h1>{title}</h1>
      <UrlTabs {...tabs} />
    </div>
  );
}
