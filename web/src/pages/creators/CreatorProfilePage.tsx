import { Link, useParams } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { getPublicProfile, profilePersonas } from "../../api";
import { qk } from "../../api/queryKeys";
import { useAuth } from "../../auth/AuthContext";
import { Avatar } from "../../components/Avatar";
import { FollowButton } from "../../components/FollowButton";
import { PersonaGrid } from "../../components/PersonaCard";
import { EmptyState, ErrorState, LoadingState } from "../../components/States";
import { formatDate, pluralize } from "../../lib/format";
import { useTitle } from "../../lib/useTitle";

function safeHref(url: string | null | undefined): string | null {
  return url && /^https?:\/\//i.test(url) ? url : null;
}

export default function CreatorProfilePage() {
  const { username = "" } = useParams();
  const { user, status } = useAuth();
  const profile = useQuery({ queryKey: qk.profile(username), queryFn: () => getPublicProfile(username), enabled: status !== "loading" });
  useTitle(profile.data ? `${profile.data.username}` : "Creator");

  if (status === "loading" || profile.isPending) return <LoadingState label="Loading profile…" />;
  if (profile.isError) return <div className="page narrow"><ErrorState error={profile.error} onRetry={() => void profile.refetch()} /></div>;

  const p = profile.data;
  const personas = profilePersonas(p);
  const website = safeHref(p.website);
  const links = Object.entries(p.social_links ?? {}).filter(([, v]) => safeHref(v));
  const isMe = user?.username === p.username;

  return (
    <div className="page">
      <header className="card profile-head">
        <Avatar name={p.username} url={p.avatar_url} size={96} />
        <div className="profile-info">
          <h1>{p.username}</h1>
          {p.bio ? <p className="profile-bio">{p.bio}</p> : null}
          <div className="profile-stats">
            <span>
              <strong>{pluralize(p.followers_count ?? 0, "follower")}</strong>
            </span>
            <span>{formatFollowing(p.following_count ?? 0)}</span>
            <span className="muted">Joined {formatDate(p.created_at)}</span>
          </div>
          {website || links.length ? (
            <ul className="profile-links">
              {website ? (
                <li>
                  <a href={website} target="_blank" rel="noopener noreferrer nofollow">
                    {website.replace(/^https?:\/\//, "")}
                  </a>
                </li>
              ) : null}
              {links.map(([k, v]) => (
                <li key={k} className="social">
                  <a href={v} target="_blank" rel="noopener noreferrer nofollow">
                    {k}
                  </a>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
        <div className="profile-actions">
          {isMe ? (
            <Link to="/dashboard/profile" className="btn">
              Edit profile
            </Link>
          ) : (
            <FollowButton username={p.username} following={!!p.is_following} />
          )}
        </div>
      </header>
      <section className="section" aria-labelledby="creator-personas">
        <h2 id="creator-personas">Personas by {p.username}</h2>
        {personas.length === 0 ? (
          <EmptyState title="No published personas yet">{isMe ? "Once a persona is approved it shows up here." : "Follow to hear when they publish one."}</EmptyState>
        ) : (
          <PersonaGrid personas={personas} />
        )}
      </section>
    </div>
  );
}

function formatFollowing(n: number) {
  return `${n.toLocaleString()} following`;
}
