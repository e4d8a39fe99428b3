import { useRef, useState, type ChangeEvent, type FormEvent } from "react";
import { Link } from "react-router";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { errorMessage, removeAvatar, updateProfile, uploadAvatar, type SocialLinks, type User } from "../../api";
import { qk } from "../../api/queryKeys";
import { useAuth } from "../../auth/AuthContext";
import { Avatar } from "../../components/Avatar";
import { TextArea, TextField } from "../../components/Field";
import { FormError, LoadingState } from "../../components/States";
import { VerifyEmailNotice } from "../../components/VerifyEmailNotice";
import { useToast } from "../../components/Toast";
import { IMAGE_ACCEPT, imageProblem } from "../../lib/files";
import { fieldErrorsOf, formLevelError } from "../../lib/forms";
import { useTitle } from "../../lib/useTitle";
import { PreferencesPanel } from "../../notifications/PreferencesPanel";

const NETWORKS = [
  ["x", "X (Twitter)"],
  ["instagram", "Instagram"],
  ["tiktok", "TikTok"],
  ["youtube", "YouTube"],
] as const;

export default function ProfilePage() {
  useTitle("Profile");
  const { user } = useAuth();
  if (!user) return <LoadingState />;
  return <ProfileForm user={user} key={user.id} />;
}

function isUrl(s: string) {
  return /^https?:\/\/\S+\.\S+/.test(s);
}

function ProfileForm({ user }: { user: User }) {
  const { setUser } = useAuth();
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const [username, setUsername] = useState(user.username);
  const [email, setEmail] = useState(user.email);
  const [bio, setBio] = useState(user.bio ?? "");
  const [website, setWebsite] = useState(user.website ?? "");
  const [avatarUrl, setAvatarUrl] = useState(user.avatar_url ?? "");
  const [links, setLinks] = useState<SocialLinks>({ ...(user.social_links ?? {}) });
  const [currentPassword, setCurrentPassword] = useState("");
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  // The API compares normalised addresses; a new one needs the current password.
  const emailChanged = email.trim().toLowerCase() !== user.email.toLowerCase();

  const mutation = useMutation({
    mutationFn: () => {
      const social: SocialLinks = {};
      for (const [k, v] of Object.entries(links)) if (v.trim()) social[k] = v.trim();
      return updateProfile({
        username: username.trim(),
        email: email.trim(),
        bio: bio.trim(),
        website: website.trim(),
        avatar_url: avatarUrl.trim(),
        social_links: social,
        ...(emailChanged ? { current_password: currentPassword } : {}),
      });
    },
    onSuccess: (updated) => {
      if (updated && typeof updated === "object" && "id" in updated) {
        setUser(updated);
        setLinks({ ...(updated.social_links ?? {}) }); // as the server normalised them
      }
      setCurrentPassword("");
      void queryClient.invalidateQueries({ queryKey: qk.profile(user.username) });
      notify(email.trim() !== user.email ? "Profile saved. Check your inbox to verify your new e-mail address." : "Profile saved.");
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!/^[A-Za-z0-9_]{3,30}$/.test(username.trim())) errs.username = "3–30 letters, numbers or underscores.";
    if (!/^\S+@\S+\.\S+$/.test(email.trim())) errs.email = "Enter a valid e-mail address.";
    if (emailChanged && !currentPassword) errs.current_password = "Enter your current password to change your e-mail.";
    if (website.trim() && !isUrl(website.trim())) errs.website = "Enter a full address starting with https://";
    setLocalErrors(errs);
    if (!Object.keys(errs).length) mutation.mutate();
  };

  const fe = { ...fieldErrorsOf(mutation.error), ...localErrors };
  const shown = ["username", "email", "current_password", "bio", "website", "avatar_url", "social_links", ...NETWORKS.map(([k]) => `social_links.${k}`)];
  return (
    <div className="stack">
      <div className="page-head">
        <h1>Profile</h1>
        <Link className="btn" to={`/creators/${encodeURIComponent(user.username)}`}>
          View public profile
        </Link>
      </div>
      <VerifyEmailNotice>Your e-mail address isn't verified yet. Check your inbox for the verification link.</VerifyEmailNotice>
      <form className="card" onSubmit={submit} noValidate>
        <FormError error={formLevelError(mutation.error, shown)} />
        <div className="profile-preview">
          <Avatar name={username || user.username} url={avatarUrl || null} size={64} />
          <div>
            <strong>{username || user.username}</strong>
            <div className="muted small">{bio ? bio.slice(0, 80) : "Add a short bio so buyers know who you are."}</div>
            <AvatarUpload hasAvatar={!!avatarUrl} onChange={(u) => setAvatarUrl(u.avatar_url ?? "")} />
          </div>
        </div>
        <div className="form-grid">
          <TextField label="Username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} error={fe.username} />
          <TextField label="E-mail" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} error={fe.email} hint="Changing it means verifying the new address." />
        </div>
        {emailChanged ? (
          <TextField
            label="Current password"
            type="password"
            autoComplete="current-password"
            required
            value={currentPassword}
            onChange={(e) => setCurrentPassword(e.target.value)}
            error={fe.current_password}
            hint="Needed to change your e-mail address."
          />
        ) : null}
        <TextArea label="Bio" rows={4} maxLength={500} value={bio} onChange={(e) => setBio(e.target.value)} error={fe.bio} hint={`A few sentences about you and your style (${bio.length}/500).`} />
        <TextField label="Website" type="url" placeholder="https://" value={website} onChange={(e) => setWebsite(e.target.value)} error={fe.website} />
        {fe.avatar_url ? <div className="field-error">{fe.avatar_url}</div> : null}
        <fieldset>
          <legend>Social links</legend>
          <div className="form-grid">
            {NETWORKS.map(([k, label]) => (
              <TextField
                key={k}
                label={label}
                type="text"
                autoCapitalize="none"
                spellCheck={false}
                placeholder={`@yourname or ${k === "x" ? "x" : k}.com/yourname`}
                value={links[k] ?? ""}
                onChange={(e) => setLinks({ ...links, [k]: e.target.value })}
                error={fe[`social_links.${k}`]}
              />
            ))}
          </div>
          <div className="hint">Type your handle (@yourname) or the address of your profile; we add the https:// for you.</div>
          {fe.social_links ? <div className="field-error">{fe.social_links}</div> : null}
        </fieldset>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={mutation.isPending}>
            {mutation.isPending ? "Saving…" : "Save profile"}
          </button>
        </div>
      </form>
      <PreferencesPanel />
    </div>
  );
}

/** Upload a photo as the avatar (identity re-encodes it as a 256 x 256 square) or remove it. */
function AvatarUpload({ hasAvatar, onChange }: { hasAvatar: boolean; onChange: (u: User) => void }) {
  const { setUser } = useAuth();
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const input = useRef<HTMLInputElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const mutation = useMutation({
    mutationFn: (file: File | null) => (file ? uploadAvatar(file) : removeAvatar()),
    onSuccess: (updated, file) => {
      setProblem(null);
      setUser(updated);
      onChange(updated);
      void queryClient.invalidateQueries({ queryKey: qk.profile(updated.username) });
      notify(file ? "Photo saved." : "Photo removed.");
    },
    onError: (e) => setProblem(errorMessage(e)),
  });
  const pick = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = "";
    if (!file) return;
    const why = imageProblem(file);
    if (why) setProblem(why);
    else mutation.mutate(file);
  };
  return (
    <div className="avatar-upload">
      <button type="button" className="btn btn-small" onClick={() => input.current?.click()} disabled={mutation.isPending}>
        {mutation.isPending ? "Uploading…" : hasAvatar ? "Change photo" : "Upload a photo"}
      </button>
      <input ref={input} className="sr-only" tabIndex={-1} type="file" accept={IMAGE_ACCEPT} aria-label="Profile photo" onChange={pick} />
      {hasAvatar ? (
        <button type="button" className="btn btn-ghost btn-small" onClick={() => mutation.mutate(null)} disabled={mutation.isPending}>
          Remove photo
        </button>
      ) : null}
      {problem ? (
        <div className="field-error" role="alert">
          {problem}
        </div>
      ) : null}
    </div>
  );
}
