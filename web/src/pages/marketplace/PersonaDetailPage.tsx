import { Link, useParams } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { getPersona, getPublicProfile } from "../../api";
import { qk } from "../../api/queryKeys";
import { useAuth } from "../../auth/AuthContext";
import { Avatar } from "../../components/Avatar";
import { FollowButton } from "../../components/FollowButton";
import { Stars } from "../../components/Stars";
import { ErrorState, LoadingState } from "../../components/States";
import { PersonaStatus } from "../../components/StatusBadge";
import { formatDate, pluralize } from "../../lib/format";
import { useTitle } from "../../lib/useTitle";
import { useCategories } from "../../lib/useCatalog";
import { listAlsoDownloaded, listSimilar } from "../../api/analytics";
import { DiscoveryRow } from "../../components/DiscoveryRow";
import { Gallery } from "../../components/Gallery";
import { useViewBeacon } from "../../lib/useViewBeacon";
import { PersonaActions } from "./detail/PersonaActions";
import { PreviewSection } from "./detail/PreviewSection";
import { TryItBox } from "./detail/TryItBox";
import { ReviewsSection } from "./detail/ReviewsSection";
import { VersionsSection } from "./detail/VersionsSection";

export default function PersonaDetailPage() {
  const { id = "" } = useParams();
  const { user, status } = useAuth();
  const categories = useCategories();
  // Wait for the session so `entitled` reflects the signed-in user.
  const persona = useQuery({ queryKey: qk.persona(id), queryFn: () => getPersona(id), enabled: status !== "loading" && !!id });
  useTitle(persona.data?.name ?? "Persona");
  useViewBeacon(status === "loading" ? undefined : id);

  if (status === "loading" || persona.isPending) return <LoadingState label="Loading persona…" />;
  if (persona.isError)
    return (
      <div className="page narrow stack">
        <ErrorState error={persona.error} onRetry={() => void persona.refetch()} />
        <p>
          <Link to="/marketplace">← Back to the marketplace</Link>
        </p>
      </div>
    );

  const p = persona.data;
  const isOwner = !!user && user.id === p.creator?.id;
  const gallery = p.versions?.[0]?.gallery ?? [];
  return (
    <div className="page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/marketplace">Marketplace</Link>
        <span aria-hidden="true"> / </span>
        <Link to={`/marketplace?category=${encodeURIComponent(p.category)}`}>
          {categories.data?.find((c) => c.slug === p.category)?.name ?? p.category}
        </Link>
      </nav>
      <div className="detail-layout">
          <header className="detail-head">
            {p.cover ? <img className="detail-cover" src={p.cover.url} alt="" width={p.cover.width} height={p.cover.height} /> : null}
            {p.status !== "approved" ? <PersonaStatus status={p.status} reason={p.rejection_reason} /> : null}
            <h1>{p.name}</h1>
            <p className="lead">{p.short_description}</p>
            <div className="detail-meta">
              <Stars value={p.rating_avg} count={p.rating_count} />
              <span>{pluralize(p.downloads ?? 0, "download")}</span>
              {p.latest_version ? <span>Version {p.latest_version}</span> : null}
              <span>Updated {formatDate(p.updated_at)}</span>
            </div>
            {p.tags?.length ? (
              <ul className="tags" aria-label="Tags">
                {p.tags.map((t) => (
                  <li key={t}>
                    <Link className="tag" to={`/marketplace?tag=${encodeURIComponent(t)}`}>
                      #{t}
                    </Link>
                  </li>
                ))}
              </ul>
            ) : null}
          </header>
        <div className="detail-side">
          <PersonaActions persona={p} />
        </div>
        <div className="detail-main">
          <CreatorCard username={p.creator?.username ?? undefined} />

          <section className="section" aria-labelledby="about-heading">
            <h2 id="about-heading">About this persona</h2>
            <div className="prose">{p.description || <span className="muted">No description.</span>}</div>
          </section>

          {gallery.length ? (
            <section className="section" aria-labelledby="gallery-heading">
              <h2 id="gallery-heading">Sample outputs</h2>
              <p className="muted small">What this persona produced, as shared by the creator (version {p.versions?.[0]?.version}).</p>
              <Gallery images={gallery} label="Sample outputs" />
            </section>
          ) : null}
          <TryItBox persona={p} />
          <PreviewSection personaId={p.id} />
          <VersionsSection persona={p} canDownload={p.entitled || isOwner} />
          <ReviewsSection persona={p} />
          <DiscoveryRow title="Similar personas" queryKey={["similar", p.id]} load={() => listSimilar(p.id)} source="recommendation" />
          <DiscoveryRow title="Users also downloaded" queryKey={["also", p.id]} load={() => listAlsoDownloaded(p.id)} source="recommendation" />
        </div>
      </div>
    </div>
  );
}

function CreatorCard({ username }: { username?: string }) {
  // The public profile adds the avatar, follower count and follow button when identity serves it.
  const profile = useQuery({
    queryKey: qk.profile(username ?? ""),
    queryFn: () => getPublicProfile(username!),
    enabled: !!username,
    retry: false,
  });
  if (!username) return null;
  return (
    <div className="card creator-card">
      <Avatar name={username} url={profile.data?.avatar_url ?? null} size={48} />
      <div className="creator-card-body">
        <div className="muted small">Created by</div>
        <Link to={`/creators/${encodeURIComponent(username)}`} className="creator-name">
          {username}
        </Link>
        {profile.data ? <div className="muted small">{pluralize(profile.data.followers_count ?? 0, "follower")}</div> : null}
      </div>
      {profile.data ? <FollowButton username={username} following={!!profile.data.is_following} /> : null}
    </div>
  );
}
