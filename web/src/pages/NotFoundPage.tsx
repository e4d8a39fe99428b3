import { Link } from "react-router";
import { useTitle } from "../lib/useTitle";

export default function NotFoundPage() {
  useTitle("Page not found");
  return (
    <div className="page narrow">
      <div className="state">
        <h1>Page not found</h1>
        <p className="muted">The page you're looking for doesn't exist or has moved.</p>
        <Link to="/marketplace" className="btn btn-primary">
          Browse the marketplace
        </Link>
      </div>
    </div>
  );
}
