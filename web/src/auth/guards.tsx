import type { ReactNode } from "react";
import { Link, Navigate, useLocation } from "react-router";
import { LoadingState } from "../components/States";
import { loginPath, useAuth } from "./AuthContext";

/** Sends anonymous visitors to /login?next=<here>. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { status, signedOut } = useAuth();
  const location = useLocation();
  if (status === "loading") return <LoadingState label="Checking your session…" />;
  if (status === "anonymous") return <Navigate to={signedOut ? "/" : loginPath(location)} replace />;
  return <>{children}</>;
}

export function RequireAdmin({ children }: { children: ReactNode }) {
  const { status, isAdmin, signedOut } = useAuth();
  const location = useLocation();
  if (status === "loading") return <LoadingState label="Checking your session…" />;
  if (status === "anonymous") return <Navigate to={signedOut ? "/" : loginPath(location)} replace />;
  if (!isAdmin) {
    return (
      <div className="page narrow">
        <div className="state state-error" role="alert">
          <h1>Admins only</h1>
          <p>Your account doesn't have access to the admin area.</p>
          <Link className="btn" to="/dashboard">
            Go to your dashboard
          </Link>
        </div>
      </div>
    );
  }
  return <>{children}</>;
}
