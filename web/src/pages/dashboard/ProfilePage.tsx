import { useRef, useState } from "react";
import { z } from "zod";
import { Link } from "react-router";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { errorMessage, removeAvatar, updateProfile, uploadAvatar, type SocialLinks, type User } from "../../api";
import { qk } from "../../api/queryKeys";
import { useAuth } from "../../auth/AuthContext";
import { Avatar } from "../../components/Avatar";
import { FieldError, TextArea, TextField } from "../../components/Field";
import { FormActions } from "../../components/FormActions";
import { FormError, LoadingState } from "../../components/States";
import { VerifyEmailNotice } from "../../components/VerifyEmailNotice";
import { useToast } from "../../components/Toast";
import { IMAGE_ACCEPT, pickImage } from "../../lib/files";
import { binder, formLevelError, messagesOf, useZodForm } from "../../lib/forms";
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

/** The profile's checks; a new e-mail address (the API compares normalised ones) needs the current password. */
function profileSchema(currentEmail: string) {
  return z
    .object({
      username: z.string().trim().regex(/^[A-Za-z0-9_]{3,30}$/, "3–30 letters, numbers or underscores."),
      email: z.string().trim().regex(/^\S+@\S+\.\S+$/, "Enter a valid e-mail address."),
      current_password: z.string(),
      bio: z.string().trim(),
      website: z.string().trim().refine((w) => !w || isUrl(w), "Enter a full address starting with https://"),
      avatar_url: z.string().trim(),
      social_links: z.record(z.string(), z.string()),
    })
    .superRefine((v, ctx) => {
      if (emailChanged(v.email, currentEmail) && !v.current_password)
        ctx.addIssue({ code: "custom", path: ["current_password"], message: "Enter your current password to change your e-mail." });
    });
}
type ProfileValues = z.infer<ReturnType<typeof profileSchema>>;

function emailChanged(email: string, current: string) {
  return email.trim().toLowerCase() !== current.toLowerCase();
}

function valuesOf(user: User): ProfileValues {
  return {
    username: user.username,
    email: user.email,
    current_password: "",
    bio: user.bio ?? "",
    website: user.website ?? "",
    avatar_url: user.avatar_url ?? "",
    social_links: { ...(user.social_links ?? {}) },
  };
}

const SHOWN_FIELDS = ["username", "email", "current_password", "bio", "website", "avatar_url", "social_links", ...NETWORKS.map(([k]) => `social_links.${k}`)];

function ProfileForm({ user }: { user: User }) {
  const { setUser } = useAuth();
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const form = useZodForm<ProfileValues>(profileSchema(user.email), valuesOf(user));
  const [username, email, bio, avatarUrl] = form.watch(["username", "email", "bio", "avatar_url"]);
  const changingEmail = emailChanged(email, user.email);

  const mutation = useMutation({
    mutationFn: ({ current_password, social_links, ...values }: ProfileValues) => {
      const social: SocialLinks = {};
      for (const [k, v] of Object.entries(social_links)) if (v.trim()) social[k] = v.trim();
      return updateProfile({ ...values, social_links: social, ...(emailChanged(values.email, user.email) ? { current_password } : {}) });
    },
    onSuccess: (updated, values) => {
      if (updated && typeof updated === "object" && "id" in updated) {
        setUser(updated);
        form.setValue("social_links", { ...(updated.social_links ?? {}) }); // as the server normalised them
      }
      form.setValue("current_password", "");
      void queryClient.invalidateQueries({ queryKey: qk.profile(user.username) });
      notify(values.email !== user.email ? "Profile saved. Check your inbox to verify your new e-mail address." : "Profile saved.");
    },
  });

  const message = messagesOf(form.formState.errors, mutation.error);

  const bind = binder(form, mutation.error);
  return (
    <div className="stack">
      <div className="page-head">
        <h1>Profile</h1>
        <Link className="btn" to={`/creators/${encodeURIComponent(user.username)}`}>
          View public profile
        </Link>
      </div>
      <VerifyEmailNotice>Your e-mail address isn't verified yet. Check your inbox for the verification link.</VerifyEmailNotice>
      <form className="card" onSubmit={form.handleSubmit((values) => mutation.mutate(values))} noValidate>
        <FormError error={formLevelError(mutation.error, SHOWN_FIELDS)} />
        <div className="profile-preview">
          <Avatar name={username || user.username} url={avatarUrl || null} size={64} />
          <div>
            <strong>{username || user.username}</strong>
            <div className="muted small">{bio ? bio.slice(0, 80) : "Add a short bio so buyers know who you are."}</div>
            <AvatarUpload hasAvatar={!!avatarUrl} onChange={(u) => form.setValue("avatar_url", u.avatar_url ?? "")} />
          </div>
        </div>
        <div className="form-grid">
          <TextField label="Username" autoComplete="username" required {...bind("username")} />
          <TextField label="E-mail" type="email" autoComplete="email" required {...bind("email")} hint="Changing it means verifying the new address." />
        </div>
        {changingEmail ? (
          <TextField
            label="Current password"
            type="password"
            autoComplete="current-password"
            required
            {...bind("current_password")}
            hint="Needed to change your e-mail address."
          />
        ) : null}
        <TextArea label="Bio" rows={4} maxLength={500} {...bind("bio")} hint={`A few sentences about you and your style (${bio.length}/500).`} />
        <TextField label="Website" type="url" placeholder="https://" {...bind("website")} />
        <FieldError message={message("avatar_url")} />
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
                {...bind(`social_links.${k}`)}
              />
            ))}
          </div>
          <div className="hint">Type your handle (@yourname) or the address of your profile; we add the https:// for you.</div>
          <FieldError message={message("social_links")} />
        </fieldset>
        <FormActions label="Save profile" busyLabel="Saving…" busy={mutation.isPending} />
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
  const pick = pickImage(setProblem, (file) => mutation.mutate(file));
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
