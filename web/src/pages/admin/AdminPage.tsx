import { useSearchParams } from "react-router";
import { useTitle } from "../../lib/useTitle";
import { ModerationTab } from "./ModerationTab";
import { PaymentsTab } from "./PaymentsTab";
import { ReportsTab } from "./ReportsTab";
import { UsersTab } from "./UsersTab";

const TABS = [
  ["moderation", "Moderation"],
  ["reports", "Reports"],
  ["refunds", "Payments"],
  ["users", "Users"],
] as const;
type Tab = (typeof TABS)[number][0];

export default function AdminPage() {
  useTitle("Admin");
  const [params, setParams] = useSearchParams();
  const tab = (TABS.find(([t]) => t === params.get("tab"))?.[0] ?? "moderation") as Tab;
  return (
    <div className="page">
      <h1>Admin</h1>
      <div className="tabs" role="tablist" aria-label="Admin sections">
        {TABS.map(([t, label]) => (
          <button
            key={t}
            type="button"
            role="tab"
            id={`admin-tab-${t}`}
            aria-selected={tab === t}
            aria-controls={`admin-panel-${t}`}
            className={`tab${tab === t ? " active" : ""}`}
            onClick={() => setParams({ tab: t }, { replace: true })}
          >
            {label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`admin-panel-${tab}`} aria-labelledby={`admin-tab-${tab}`} className="stack">
        {tab === "moderation" ? <ModerationTab /> : tab === "reports" ? <ReportsTab /> : tab === "users" ? <UsersTab /> : <PaymentsTab />}
      </div>
    </div>
  );
}
