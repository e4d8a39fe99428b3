import { useEffect, useId, useRef, useState } from "react";
import { Link } from "react-router";
import { useAuth } from "../auth/AuthContext";
import { Avatar } from "./Avatar";
import { useToast } from "./Toast";

/** The account menu's pages (the public profile, built from the username, follows them). */
const ACCOUNT_LINKS: [to: string, label: string][] = [
  ["/dashboard", "Dashboard"],
  ["/dashboard/personas", "My personas"],
  ["/dashboard/purchases", "Library"],
  ["/dashboard/earnings", "Earnings"],
  ["/dashboard/profile", "Profile settings"],
];

export function UserMenu() {
  const { user, isAdmin, logout } = useAuth();
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const ref = useRef<HTMLDivElement>(null);
  const { notify } = useToast();

  useEffect(() => {
    if (!open) return;
    const onDoc = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") setOpen(false);
    };
    document.addEventListener("mousedown", onDoc);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("mousedown", onDoc);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  if (!user) return null;
  const close = () => setOpen(false);

  return (
    <div className="user-menu" ref={ref}>
      <button
        type="button"
        className="user-menu-button"
        aria-haspopup="true"
        aria-expanded={open}
        aria-controls={menuId}
        aria-label={`Account menu for ${user.username}`}
        onClick={() => setOpen((o) => !o)}
      >
        <Avatar name={user.username} url={user.avatar_url} size={32} />
        <span className="user-menu-name">{user.username}</span>
        <span aria-hidden="true">▾</span>
      </button>
      {open ? (
        <div className="user-menu-panel" id={menuId}>
          <div className="user-menu-head">
            <strong>{user.username}</strong>
            <span className="muted">{user.email}</span>
          </div>
          <nav aria-label="Account">
            {ACCOUNT_LINKS.map(([to, label]) => (
              <Link key={to} to={to} onClick={close}>
                {label}
              </Link>
            ))}
            <Link to={`/creators/${encodeURIComponent(user.username)}`} onClick={close}>
              Public profile
            </Link>
            {isAdmin ? (
              <Link to="/admin" onClick={close}>
                Admin
              </Link>
            ) : null}
          </nav>
          <button
            type="button"
            className="btn btn-ghost user-menu-logout"
            onClick={() => {
              close();
              void logout().then(() => notify("You're logged out."));
            }}
          >
            Log out
          </button>
        </div>
      ) : null}
    </div>
  );
}
