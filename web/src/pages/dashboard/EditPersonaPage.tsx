import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { deletePersona, errorMessage, getPersona, updatePersona, type Category, type Persona, type PersonaInput } from "../../api";
import { qk } from "../../api/queryKeys";
import { useAuth } from "../../auth/AuthContext";
import { DeletePersonaDialog } from "../../components/DeletePersonaDialog";
import { PersonaForm, type FormIntent } from "../../components/PersonaForm";
import { Alert, ErrorState, LoadingState } from "../../components/States";
import { PersonaStatus } from "../../components/StatusBadge";
import { useToast } from "../../components/Toast";
import { useCategories } from "../../lib/useCatalog";
import { useTitle } from "../../lib/useTitle";
import { NewVersionForm } from "./NewVersionForm";
import { PersonaMediaEditor } from "./PersonaMediaEditor";

function intentsFor(p: Persona): FormIntent[] {
  switch (p.status) {
    case "draft":
    case "rejected":
      return ["draft", "pending"];
    case "suspended":
      return ["save", "pending"];
    default:
      return ["save"];
  }
}

export default function EditPersonaPage() {
  const { id = "" } = useParams();
  const { user } = useAuth();
  const persona = useQuery({ queryKey: qk.persona(id), queryFn: () => getPersona(id) });
  const categories = useCategories();
  useTitle(persona.data ? `Edit ${persona.data.name}` : "Edit persona");

  if (persona.isPending || categories.isPending) return <LoadingState label="Loading persona…" />;
  if (persona.isError) return <ErrorState error={persona.error} onRetry={() => void persona.refetch()} />;
  const p = persona.data;
  if (user && p.creator?.id && p.creator.id !== user.id && !user.roles?.includes("admin")) {
    return <ErrorState title="Not your persona" error={new Error("Only the creator can edit this persona.")} />;
  }
  return <EditPersona persona={p} categories={categories.data ?? []} />;
}

function EditPersona({ persona, categories }: { persona: Persona; categories: Category[] }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { notify } = useToast();
  const [confirmDelete, setConfirmDelete] = useState(false);

  const save = useMutation({
    mutationFn: ({ input, intent }: { input: PersonaInput; intent: FormIntent }) =>
      updatePersona(persona.id, intent === "save" ? input : { ...input, status: intent }),
    onSuccess: (updated, { intent }) => {
      if (updated && typeof updated === "object" && "id" in updated) queryClient.setQueryData(qk.persona(persona.id), updated);
      void queryClient.invalidateQueries({ queryKey: qk.persona(persona.id) });
      void queryClient.invalidateQueries({ queryKey: qk.myPersonas });
      notify(intent === "pending" ? "Submitted for review." : "Changes saved.");
    },
  });

  const remove = useMutation({
    mutationFn: () => deletePersona(persona.id),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: qk.myPersonas });
      notify(`${persona.name} was deleted.`);
      navigate("/dashboard/personas", { replace: true });
    },
    onError: (e) => notify(errorMessage(e), "error"),
  });

  return (
    <div className="stack">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/dashboard/personas">My personas</Link>
        <span aria-hidden="true"> / </span>
        <span>{persona.name}</span>
      </nav>
      <div className="page-head">
        <div>
          <h1>Edit “{persona.name}”</h1>
          <PersonaStatus status={persona.status} reason={persona.rejection_reason} />
        </div>
        <Link className="btn" to={`/marketplace/${encodeURIComponent(persona.id)}`}>
          {persona.status === "approved" ? "View in marketplace" : "Preview its page"}
        </Link>
      </div>
      {persona.status === "pending" ? <Alert>This persona is waiting for review. You can still fix details while you wait.</Alert> : null}
      {persona.version_in_review ? (
        <Alert>
          Version {persona.version_in_review} is waiting for review. Buyers keep getting {persona.latest_version} until a moderator approves it.
        </Alert>
      ) : null}
      {persona.status === "rejected" ? <Alert kind="warning">Fix what the moderator pointed out, then submit it for review again.</Alert> : null}
      {persona.status === "suspended" ? (
        <Alert kind="warning">
          A moderator took this persona off the market{persona.suspension_reason ? `: ${persona.suspension_reason}` : "."} Fix it, then submit it for review again.
        </Alert>
      ) : null}
      {(persona.status === "draft" || persona.status === "rejected") && !persona.latest_version ? (
        <Alert>Publish a first version with your files below before submitting for review.</Alert>
      ) : null}
      <div className="card">
        <PersonaForm
          key={persona.updated_at}
          initial={persona}
          categories={categories}
          intents={intentsFor(persona)}
          busy={save.isPending}
          error={save.error}
          onSubmit={(input, intent) => save.mutate({ input, intent })}
        />
      </div>
      <PersonaMediaEditor persona={persona} />
      <NewVersionForm persona={persona} />
      <section className="card danger-zone" aria-labelledby="danger-heading">
        <h2 id="danger-heading">Delete persona</h2>
        <p className="muted">It disappears from the marketplace. People who already own it keep access.</p>
        <button type="button" className="btn btn-danger" onClick={() => setConfirmDelete(true)}>
          Delete persona
        </button>
      </section>
      {confirmDelete ? (
        <DeletePersonaDialog name={persona.name} busy={remove.isPending} onConfirm={() => remove.mutate()} onCancel={() => setConfirmDelete(false)} />
      ) : null}
    </div>
  );
}
