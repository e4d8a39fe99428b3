import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { FormError, LoadingState } from "../components/States";
import { getPreferences, savePreferences, type Channel } from "./api";

const CHANNEL_LABEL: Record<Channel, string> = {
  email: "In app and e-mail",
  digest: "In app and daily summary",
  in_app: "In app only",
  off: "Off",
};

/** Notification and e-mail preferences, one choice per category (shown in the profile). */
export function PreferencesPanel() {
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: ["notification-preferences"], queryFn: getPreferences });
  const save = useMutation({
    mutationFn: (change: Record<string, Channel>) => savePreferences(change),
    onSuccess: (data) => queryClient.setQueryData(["notification-preferences"], data),
  });
  return (
    <section id="notifications" className="card stack" aria-labelledby="notification-prefs">
      <h2 id="notification-prefs">Notifications and e-mail</h2>
      {query.isPending ? <LoadingState /> : null}
      {/* Not an alert: the profile form above stays usable without these settings. */}
      {query.isError ? <p className="muted">Notification settings can't be loaded right now.</p> : null}
      {save.isError ? <FormError error={save.error} /> : null}
      {query.data?.items.map((p) => (
        <label key={p.category} className="field row between">
          <span>
            {p.label}
            {p.transactional ? <small className="muted"> (always e-mailed)</small> : null}
          </span>
          <select
            value={p.channel}
            disabled={p.transactional || save.isPending}
            onChange={(e) => save.mutate({ [p.category]: e.target.value as Channel })}
          >
            {p.channels.map((c) => (
              <option key={c} value={c}>
                {CHANNEL_LABEL[c]}
              </option>
            ))}
          </select>
        </label>
      ))}
    </section>
  );
}
