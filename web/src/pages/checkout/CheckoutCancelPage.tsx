import { Link, useSearchParams } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { getPersona } from "../../api";
import { qk } from "../../api/queryKeys";
import { useTitle } from "../../lib/useTitle";

export default function CheckoutCancelPage() {
  useTitle("Checkout cancelled");
  const [params] = useSearchParams();
  const personaId = params.get("persona_id");
  const persona = useQuery({ queryKey: qk.persona(personaId ?? ""), queryFn: () => getPersona(personaId!), enabled: !!personaId, retry: false });
  return (
    <div className="page narrow">
      <div className="card state">
        <h1>Checkout cancelled</h1>
        <p>No worries — you weren't charged.</p>
        <div className="state-action">
          {personaId ? (
            <Link className="btn btn-primary" to={`/marketplace/${encodeURIComponent(personaId)}`}>
              Back to {persona.data?.name ?? "the persona"}
            </Link>
          ) : null}
          <Link className="btn" to="/marketplace">
            Browse the marketplace
          </Link>
        </div>
      </div>
    </div>
  );
}
