import { TabbedPage } from "../../components/UrlTabs";
import { ModerationTab } from "./ModerationTab";
import { PaymentsTab } from "./PaymentsTab";
import { ReportsTab } from "./ReportsTab";
import { UsersTab } from "./UsersTab";

const TABS = [
  { key: "moderation", label: "Moderation", panel: <ModerationTab /> },
  { key: "reports", label: "Reports", panel: <ReportsTab /> },
  { key: "refunds", label: "Payments", panel: <PaymentsTab /> },
  { key: "users", label: "Users", panel: <UsersTab /> },
];

export default function AdminPage() {
  return <TabbedPage title="Admin" tabs={TABS} name="admin" label="Admin sections" />;
}
