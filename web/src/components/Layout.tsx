import { useEffect, useState } from "react";
import { Link, NavLink, Outlet, useLocation } from "react-router";
import { useAuth } from "../auth/AuthContext";
import { Bell } from "../notifications/Bell";
import { UserMenu } from "./UserMenu";
import { VerifyBanner } from "./VerifyEmailNotice";
import { SELL_SIGNUP } from "../lib/paths";

export function Layout() {
  const { status, user, isAdmin } = useAuth();
  const [navOpen, setNavOpen] = useState(false);
  const location = useLocation();

  // Signing up or in from any page comes back to it (never to the sign-in pages themselves).
  const path = location.pathname + location.search;
  const here = /^\/(login|register|reset-password|verify-email)\b/.test(location.pathname) ? "" : `?next=${encodeURIComponent(path)}`;
  // A newcomer who wants to sell needs an account first: registration, then the sell form.
  const sellPath = status === "anonymous" ? SELL_SIGNUP : "/marketplace/submit";

  useEffect(() => {
    setNavOpen(false);
  }, [location.pathname]);

  // Move focus to the main region on navigation for screen-reader users.
  useEffect(() => {
    window.scrollTo?.(0, 0);
  }, [location.pathname]);

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="header-inner">
          <Link to="/" className="brand" aria-label="Personas home">
            <span className="brand-mark" aria-hidden="true">
              ◐
            </span>
            <span>Personas</span>
          </Link>
          <button
            type="button"
            className="nav-toggle btn btn-ghost"
            aria-expanded={navOpen}
            aria-controls="main-nav"
            onClick={() => setNavOpen((o) => !o)}
          >
            <span aria-hidden="true">☰</span>
            <span className="sr-only">Menu</span>
          </button>
          <nav id="main-nav" className={`main-nav${navOpen ? " open" : ""}`} aria-label="Main">
            <NavLink to="/marketplace" end>
              Marketplace
            </NavLink>
            <NavLink to={sellPath}>Sell a persona</NavLink>
            {status === "authenticated" ? <NavLink to="/generate">Generate</NavLink> : null}
            {status === "authenticated" ? <NavLink to="/feed">Following</NavLink> : null}
            {status === "authenticated" ? <NavLink to="/dashboard">Dashboard</NavLink> : null}
            {isAdmin ? <NavLink to="/admin">Admin</NavLink> : null}
            <div className="nav-account">
              {status === "authenticated" ? (
                <>
                  <Bell />
                  <UserMenu />
                </>
              ) : status === "anonymous" ? (
                <>
                  <Link to={`/login${here}`} className="btn btn-ghost">
                    Log in
                  </Link>
                  <Link to={`/register${here}`} className="btn btn-primary">
                    Sign up
                  </Link>
                </>
              ) : null}
            </div>
          </nav>
        </div>
      </header>
      {user && !user.email_verified ? (
        <VerifyBanner email={user.email} />
      ) : null}
      <main id="main" className="site-main" tabIndex={-1}>
        <Outlet />
      </main>
      <footer className="site-footer">
        <div className="footer-inner">
          <span>© {new Date().getFullYear()} Personas marketplace</span>
          <nav aria-label="Footer">
            <Link to="/marketplace">Browse</Link>
            <Link to={sellPath}>Sell</Link>
            <Link to="/dashboard">Dashboard</Link>
          </nav>
        </div>
      </footer>
    </div>
  );
}
