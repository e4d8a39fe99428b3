import { Link, useParams } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { getPublicProfile, isApiError, listCreatorPersonas, type PublicProfile } from "../../api";
import { qk } from "../../api/queryKeys";
import { useAuth } from "../../auth/AuthContext";
import { Avatar } from "../../components/Avatar";
import { FollowButton } from "../../components/FollowButton";
import { PagedList } from "../../components/PagedList";
import { PersonaGrid } from "../../components/PersonaCard";
import { EmptyState, ErrorState, LoadingState } from "../../components/States";
import { formatDate, pluralize } from "../../lib/format";
import { usePagedList } from "../../lib/usePagedList";
import { useTitle } from "../../lib/useTitle";

function safeHref(url: string | null | undefined): string | null {
  return url && /^https?:\/\//i.test(url) ? url : null;
}

export default function CreatorProfilePage() {
  const { username = "" } = useParams();
  const { user, status } = useAuth();
  const profile = useQuery({ queryKey: qk.profile(username), queryFn: () => getPublicProfile(username), enabled: status !== "loading", retry: false });
  // The personas come from the catalog (approved only), whatever identity says about the profile.
  const list = usePagedList([...qk.profile(username), "personas"], (page) => listCreatorPersonas(username, page), { limit: 24, enabled: !!username });
  useTitle(username || "Creator");

  if (status === "loading" || profile.isPending || list.query.isPending) return <LoadingState label="Loading profile…" />;
  const personas = list.items;
  const missing = profile.isError && isApiError(profile.error) && profile.error.status === 404;
  if (profile.isError && (!missing || personas.length === 0)) {
    return (
      <div className="page narrow">
        <ErrorState title={missing ? "No such creator" : undefined} error={profile.error} onRetry={missing ? undefined : () => void profile.refetch()} />
      </div>
    );
  }

  // Without a profile from identity, the catalog's own copy of the username is all there is.
  const p: PublicProfile = profile.data ?? {
    id: personas[0]?.creator.id ?? username,
    username: personas[0]?.creator.username ?? username,
    bio: null,
    website: null,
    avatar_url: null,
    social_links: {},
    followers_count: 0,
    following_count: 0,
    created_at: "",
  };
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
            {profile.data ? (
              <>
                <span>
                  <strong>{pluralize(p.followers_count ?? 0, "follower")}</strong>
                </span>
                <span>{formatFollowing(p.following_count ?? 0)}</span>
                <span className="muted">Joined {formatDate(p.created_at)}</span>
              </>
            ) : null}
            <span>{pluralize(personas.length, "persona")}{list.query.hasNextPage ? "+" : ""} on the market</span>
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
          ) : profile.data ? (
            <FollowButton username={p.username} following={!!p.is_following} />
          ) : null}
        </div>
      </header>
      <section className="section" aria-labelledby="creator-personas">
        <h2 id="creator-personas">Personas by {p.username}</h2>
        <PagedList list={list} empty={<EmptyState title="No published personas yet">{isMe ? "Once a persona is approved it shows up here." : "Follow to hear when they publish one."}</EmptyState>}>
          {(items) => <PersonaGrid personas={items} />}
        </PagedList>
      </section>
    </div>
  );
}

function formatFollowing(n: number) {
  return `${n.toLocaleString()} following`;
}
