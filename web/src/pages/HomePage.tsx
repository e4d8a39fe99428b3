import { Link } from "react-router";
import { SELL_SIGNUP } from "../lib/paths";
import { useQuery } from "@tanstack/react-query";
import { listPersonas } from "../api";
import { listRecommendations } from "../api/analytics";
import { useAuth } from "../auth/AuthContext";
import { DiscoveryRow } from "../components/DiscoveryRow";
import { qk } from "../api/queryKeys";
import { PersonaGrid } from "../components/PersonaCard";
import { QueryView } from "../components/QueryView";
import { EmptyState } from "../components/States";
import { useCategories } from "../lib/useCatalog";
import { useTitle } from "../lib/useTitle";

export default function HomePage() {
  useTitle(null);
  const trending = useQuery({
    queryKey: [...qk.personas({ sort: "trending" }), "home"],
    queryFn: () => listPersonas({ sort: "trending" }, { limit: 8 }),
  });
  const categories = useCategories();
  const { user } = useAuth();

  return (
    <div className="page">
      <section className="hero">
        <h1>Give your AI a voice people love</h1>
        <p>Discover personas crafted by creators — tone, style and examples ready to use. Or publish your own and get paid.</p>
        <div className="hero-actions">
          <Link to="/marketplace" className="btn btn-primary btn-large">
            Browse personas
          </Link>
          <Link to={user ? "/marketplace/submit" : SELL_SIGNUP} className="btn btn-large">
            Start selling
          </Link>
        </div>
      </section>

      {categories.data?.length ? (
        <section aria-labelledby="cat-heading" className="section">
          <h2 id="cat-heading">Browse by category</h2>
          <div className="chips">
            {categories.data.map((c) => (
              <Link key={c.slug} className="chip" to={`/marketplace?category=${encodeURIComponent(c.slug)}`}>
                {c.name}
              </Link>
            ))}
          </div>
        </section>
      ) : null}

      {user ? <DiscoveryRow title="Recommended for you" queryKey={["recommended", user.id]} load={() => listRecommendations()} source="recommendation" /> : null}

      <section aria-labelledby="trending-heading" className="section">
        <div className="section-head">
          <h2 id="trending-heading">Trending now</h2>
          <Link to="/marketplace?sort=trending">See all</Link>
        </div>
        <QueryView query={trending}>
          {(data) =>
            data.items.length === 0 ? (
              <EmptyState title="Nothing here yet">New personas will show up here as creators publish them.</EmptyState>
            ) : (
              <PersonaGrid personas={data.items} />
            )}
        </QueryView>
      </section>
    </div>
  );
}
