import { useRef, useState } from "react";
import { Link, useNavigate } from "react-router";
import { useQueryClient } from "@tanstack/react-query";
import { createPersona, type PersonaInput } from "../../api";
import { qk } from "../../api/queryKeys";
import { useAuth } from "../../auth/AuthContext";
import { PersonaForm, type FormIntent } from "../../components/PersonaForm";
import { ErrorState, LoadingState } from "../../components/States";
import { VerifyEmailNotice } from "../../components/VerifyEmailNotice";
import { useToast } from "../../components/Toast";
import { useCategories } from "../../lib/useCatalog";
import { useTitle } from "../../lib/useTitle";

export default function SubmitPersonaPage() {
  useTitle("Sell a persona");
  const categories = useCategories();
  const { user } = useAuth();
  // Catalog refuses to queue a persona from an unverified address (and then saves nothing).
  const verified = !!user?.email_verified;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const abort = useRef<AbortController | null>(null);

  const onSubmit = async (input: PersonaInput, intent: FormIntent, files: File[]) => {
    setBusy(true);
    setError(null);
    setProgress(0);
    abort.current = new AbortController();
    try {
      const persona = await createPersona(input, intent === "pending" ? "pending" : "draft", files, {
        onProgress: (p) => setProgress(p.fraction),
        signal: abort.current.signal,
      });
      void queryClient.invalidateQueries({ queryKey: qk.myPersonas });
      notify(intent === "pending" ? "Submitted for review. We'll let you know when it's live." : "Draft saved.");
      navigate(persona?.id ? `/dashboard/personas/${encodeURIComponent(persona.id)}/edit` : "/dashboard/personas", { replace: true });
    } catch (e) {
      if (!(e instanceof DOMException && e.name === "AbortError")) setError(e);
      setBusy(false);
    }
  };

  return (
    <div className="page narrow">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/dashboard/personas">My personas</Link>
        <span aria-hidden="true"> / </span>
        <span>New</span>
      </nav>
      <h1>Sell a persona</h1>
      <p className="muted">
        Fill in the details, add your files (Word, PDF and text files all work), then save a draft or submit it for review. Reviews usually take a day or two. Next you can add
        a cover image and pictures of what your persona writes.
      </p>
      <VerifyEmailNotice>
        Verify your e-mail address (use the link we sent you) before submitting for review. You can save a draft now and submit it later.
      </VerifyEmailNotice>
      {categories.isPending ? (
        <LoadingState />
      ) : (
        <>
          {categories.isError ? <ErrorState title="Couldn't load categories" error={categories.error} onRetry={() => void categories.refetch()} /> : null}
          <div className="card">
            <PersonaForm categories={categories.data ?? []} withFiles intents={verified ? ["draft", "pending"] : ["draft"]} busy={busy} progress={progress} error={error} onSubmit={onSubmit} />
            {busy ? (
              <button type="button" className="btn btn-ghost" onClick={() => abort.current?.abort()}>
                Cancel upload
              </button>
            ) : null}
          </div>
        </>
      )}
    </div>
  );
}
