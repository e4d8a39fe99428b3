import { useEffect, useState } from "react";
import { Link, useLocation, useNavigate } from "react-router";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { acquirePersona, createCheckout, errorMessage, reportPersona, type Persona } from "../../../api";
import { qk } from "../../../api/queryKeys";
import { loginPath, useAuth } from "../../../auth/AuthContext";
import { ReportDialog } from "../../../components/ReportDialog";
import { useToast } from "../../../components/Toast";
import { formatPrice } from "../../../lib/money";
import { usePersonaDownload } from "../../../lib/useDownload";
import { browser } from "../../../lib/browser";

export function PersonaActions({ persona }: { persona: Persona }) {
  const { status, user } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const { download, isBusy } = usePersonaDownload();
  const [reporting, setReporting] = useState(false);
  const isOwner = !!user && user.id === persona.creator?.id;
  const free = persona.price_cents === 0;
  const entitled = persona.entitled || isOwner;

  const acquire = useMutation({
    mutationFn: () => acquirePersona(persona.id),
    onSuccess: () => {
      notify(`${persona.name} is now in your library.`);
      queryClient.setQueryData<Persona>(qk.persona(persona.id), (p) => (p ? { ...p, entitled: true } : p));
      void queryClient.invalidateQueries({ queryKey: qk.persona(persona.id) });
      void queryClient.invalidateQueries({ queryKey: qk.myPurchases });
    },
    onError: (e) => notify(errorMessage(e), "error"),
  });

  const checkout = useMutation({
    mutationFn: () => createCheckout(persona.id),
    onSuccess: (session) => browser.assign(session.checkout_url),
    onError: (e) => notify(errorMessage(e), "error"),
  });
  // Once the session exists the browser is on its way to Checkout: the button stays "Opening
  // checkout…" until the page is gone, so a second click cannot open a second session (and a
  // page restored by the Back button offers the purchase again).
  const leaving = checkout.isPending || checkout.isSuccess;
  const { reset } = checkout;
  useEffect(() => {
    const restored = (e: PageTransitionEvent) => {
      if (e.persisted) reset();
    };
    window.addEventListener("pageshow", restored);
    return () => window.removeEventListener("pageshow", restored);
  }, [reset]);

  const requireLogin = () => navigate(loginPath(location));

  return (
    <aside className="card buy-box" aria-label="Get this persona">
      <div className="buy-price">{formatPrice(persona.price_cents, persona.currency)}</div>
      {entitled ? (
        <>
          {persona.entitled && !isOwner ? <p className="owned-note">✓ In your library</p> : null}
          <button
            type="button"
            className="btn btn-primary btn-block"
            onClick={() => void download(persona.id, persona.name)}
            disabled={isBusy(persona.id) || !persona.latest_version}
          >
            {isBusy(persona.id) ? "Preparing download…" : "Download"}
          </button>
          {!persona.latest_version ? <p className="hint">No files have been published yet.</p> : null}
        </>
      ) : free ? (
        <button
          type="button"
          className="btn btn-primary btn-block"
          onClick={() => (status === "authenticated" ? acquire.mutate() : requireLogin())}
          disabled={acquire.isPending}
        >
          {acquire.isPending ? "Adding…" : "Get it free"}
        </button>
      ) : (
        <button
          type="button"
          className="btn btn-primary btn-block"
          onClick={() => (status === "authenticated" ? checkout.mutate() : requireLogin())}
          disabled={leaving}
        >
          {leaving ? "Opening checkout…" : `Buy for ${formatPrice(persona.price_cents, persona.currency)}`}
        </button>
      )}
      {!entitled && !free ? <p className="hint">Secure payment with Stripe. You can download right after paying.</p> : null}
      {isOwner ? (
        <Link className="btn btn-block" to={`/dashboard/personas/${encodeURIComponent(persona.id)}/edit`}>
          Edit persona
        </Link>
      ) : null}

      <h3 className="buy-subhead">Usage terms</h3>
      <ul className="terms">
        <li className={persona.usage_terms?.personal ? "yes" : "no"}>
          {persona.usage_terms?.personal ? "✓" : "✗"} Personal use
        </li>
        <li className={persona.usage_terms?.commercial ? "yes" : "no"}>
          {persona.usage_terms?.commercial ? "✓" : "✗"} Commercial use
        </li>
        <li className={persona.usage_terms?.derivatives ? "yes" : "no"}>
          {persona.usage_terms?.derivatives ? "✓" : "✗"} Derivatives allowed
        </li>
      </ul>

      {!isOwner ? (
        <button type="button" className="btn btn-ghost btn-small report-link" onClick={() => (status === "authenticated" ? setReporting(true) : requireLogin())}>
          Report this persona
        </button>
      ) : null}
      {reporting ? <ReportDialog title={`Report "${persona.name}"`} onSubmit={(input) => reportPersona(persona.id, input)} onClose={() => setReporting(false)} /> : null}
    </aside>
  );
}
