import { NavLink, Outlet } from "react-router";
import { useAuth } from "../../auth/AuthContext";

export default function DashboardLayout() {
  const { isAdmin } = useAuth();
  return (
    <div className="page dashboard">
      <aside className="sidebar">
        <nav aria-label="Dashboard">
          <NavLink to="/dashboard" end>
            Overview
          </NavLink>
          <NavLink to="/dashboard/analytics">Analytics</NavLink>
          <NavLink to="/dashboard/personas">My personas</NavLink>
          <NavLink to="/dashboard/purchases">Library</NavLink>
          <NavLink to="/dashboard/earnings">Earnings</NavLink>
          <NavLink to="/dashboard/profile">Profile</NavLink>
          {isAdmin ? <NavLink to="/admin">Admin</NavLink> : null}
        </nav>
      </aside>
      <div className="dashboard-content">
        <Outlet />
      </div>
    </div>
  );
}
