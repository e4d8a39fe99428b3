import type { ReactNode } from "react";
import { useSearchParams } from "react-router";

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
