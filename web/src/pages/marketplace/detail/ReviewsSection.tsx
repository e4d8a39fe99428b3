import { useState } from "react";
import { Link, useLocation, useNavigate } from "react-router";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Controller, useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import {
  errorMessage,
  listReviews,
  markReviewHelpful,
  postReview,
  reportReview,
  respondToReview,
  type Persona,
  type Review,
} from "../../../api";
import { qk } from "../../../api/queryKeys";
import { loginPath, useAuth } from "../../../auth/AuthContext";
import { Avatar } from "../../../components/Avatar";
import { TextArea } from "../../../components/Field";
import { FormActions } from "../../../components/FormActions";
import { PagedList } from "../../../components/PagedList";
import { ReportDialog } from "../../../components/ReportDialog";
import { StarInput, Stars } from "../../../components/Stars";
import { EmptyState, FormError } from "../../../components/States";
import { useToast } from "../../../components/Toast";
import { formatDate, formatRating } from "../../../lib/format";
import { fieldMessage, formLevelError } from "../../../lib/forms";
import { usePagedList } from "../../../lib/usePagedList";

export function ReviewsSection({ persona }: { persona: Persona }) {
  const { user, status } = useAuth();
  const location = useLocation();
  const reviews = usePagedList(qk.reviews(persona.id), (page) => listReviews(persona.id, page), { limit: 20 });
  const items = reviews.items;
  const mine = user ? items.find((r) => r.author?.id === user.id) : undefined;
  const isCreator = !!user && user.id === persona.creator?.id;
  const canReview = status === "authenticated" && persona.entitled && !isCreator;

  return (
    <section className="section" aria-labelledby="reviews-heading">
      <h2 id="reviews-heading">Reviews</h2>
      <RatingSummary persona={persona} />

      {canReview ? (
        // Keyed on the saved review: the form starts from it once the reviews have loaded.
        <ReviewForm key={mine?.id ?? "new"} persona={persona} existing={mine} />
      ) : status === "anonymous" ? (
        <p className="muted">
          <Link to={loginPath(location)}>Log in</Link> to review personas you own.
        </p>
      ) : !isCreator && status === "authenticated" ? (
        <p className="muted">Only people who own this persona can review it.</p>
      ) : null}

      <PagedList
        list={reviews}
        loadingLabel="Loading reviews…"
        moreLabel="More reviews"
        empty={<EmptyState title="No reviews yet">{canReview ? "Be the first to share what you think." : undefined}</EmptyState>}
      >
        {(items) => (
          <ul className="reviews">
            {items.map((r) => (
              <ReviewItem key={r.id} review={r} persona={persona} isCreator={isCreator} />
            ))}
          </ul>
        )}
      </PagedList>
    </section>
  );
}

function RatingSummary({ persona }: { persona: Persona }) {
  const dist = persona.rating_distribution ?? {};
  const total = persona.rating_count || 0;
  if (total === 0) return null; // the empty state below says it: no reviews yet
  return (
    <div className="rating-summary">
      <div className="rating-big">
        <span className="rating-number">{formatRating(persona.rating_avg)}</span>
        <Stars value={persona.rating_avg} />
        <span className="muted">
          {total} rating{total === 1 ? "" : "s"}
        </span>
      </div>
      <table className="rating-dist">
        <caption className="sr-only">Rating distribution</caption>
        <tbody>
          {(["5", "4", "3", "2", "1"] as const).map((k) => {
            const n = dist[k] ?? 0;
            const pct = total ? Math.round((n / total) * 100) : 0;
            return (
              <tr key={k}>
                <th scope="row">{k} ★</th>
                <td>
                  <div className="dist-track" aria-hidden="true">
                    <div className="dist-fill" style={{ width: `${pct}%` }} />
                  </div>
                </td>
                <td className="muted">{n}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

const reviewSchema = z.object({
  rating: z.number().int().min(1, "Choose a rating from 1 to 5 stars.").max(5),
  body: z.string().trim().max(5000, "At most 5000 characters."),
});
type ReviewValues = z.infer<typeof reviewSchema>;

function ReviewForm({ persona, existing }: { persona: Persona; existing?: Review }) {
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const [editing, setEditing] = useState(!existing);
  const form = useForm<ReviewValues>({ resolver: zodResolver(reviewSchema), defaultValues: { rating: existing?.rating ?? 0, body: existing?.body ?? "" } });
  const mutation = useMutation({
    mutationFn: (values: ReviewValues) => postReview(persona.id, values),
    onSuccess: () => {
      notify(existing ? "Your review was updated." : "Thanks for your review!");
      setEditing(false);
      void queryClient.invalidateQueries({ queryKey: qk.reviews(persona.id) });
      void queryClient.invalidateQueries({ queryKey: qk.persona(persona.id) });
    },
  });

  if (existing && !editing) {
    return (
      <div className="card review-mine">
        <p>
          You rated this <strong>{existing.rating} ★</strong>.
        </p>
        <button
          type="button"
          className="btn btn-small"
          onClick={() => {
            form.reset({ rating: existing.rating, body: existing.body });
            setEditing(true);
          }}
        >
          Edit your review
        </button>
      </div>
    );
  }

  const message = (name: keyof ReviewValues) => fieldMessage(form.formState.errors, mutation.error, name);
  return (
    <form className="card review-form" onSubmit={form.handleSubmit((values) => mutation.mutate(values))} aria-label={existing ? "Edit your review" : "Write a review"}>
      <h3>{existing ? "Edit your review" : "Write a review"}</h3>
      <FormError error={formLevelError(mutation.error, ["rating", "body"])} />
      <Controller
        control={form.control}
        name="rating"
        render={({ field }) => <StarInput label="Your rating" value={field.value} onChange={field.onChange} error={message("rating")} />}
      />
      <TextArea label="Your review" rows={4} maxLength={5000} {...form.register("body")} error={message("body")} hint="What worked well? What could be better?" />
      <div className="form-actions">
        {existing ? (
          <button type="button" className="btn btn-ghost" onClick={() => setEditing(false)}>
            Cancel
          </button>
        ) : null}
        <button type="submit" className="btn btn-primary" disabled={mutation.isPending}>
          {mutation.isPending ? "Posting…" : existing ? "Update review" : "Post review"}
        </button>
      </div>
    </form>
  );
}

function ReviewItem({ review, persona, isCreator }: { review: Review; persona: Persona; isCreator: boolean }) {
  const { status, user } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const [reporting, setReporting] = useState(false);
  const [responding, setResponding] = useState(false);
  const [voted, setVoted] = useState(!!review.voted_helpful);
  const isMine = user?.id === review.author?.id;

  const helpful = useMutation({
    mutationFn: () => markReviewHelpful(review.id),
    onSuccess: (r) => {
      setVoted(r.voted_helpful);
      void queryClient.invalidateQueries({ queryKey: qk.reviews(persona.id) });
    },
    onError: (e) => notify(errorMessage(e), "error"),
  });


  const helpfulCount = review.helpful_count ?? 0;
  return (
    <li className="review">
      <div className="review-head">
        <Avatar name={review.author?.username ?? "?"} url={null} size={36} />
        <div>
          <div className="review-author">
            <Link to={`/creators/${encodeURIComponent(review.author?.username ?? "")}`}>{review.author?.username ?? "Someone"}</Link>
            {review.verified_purchase ? (
              <span className="badge badge-verified" title="This reviewer owns the persona">
                ✓ Verified purchase
              </span>
            ) : null}
          </div>
          <div className="review-meta">
            <Stars value={review.rating} size="sm" />
            <span className="muted">{formatDate(review.updated_at ?? review.created_at)}</span>
          </div>
        </div>
      </div>
      {review.body ? <p className="review-body">{review.body}</p> : null}

      {review.response ? (
        <div className="review-response">
          <strong>Response from {persona.creator?.username ?? "the creator"}</strong>
          <p>{review.response.body}</p>
        </div>
      ) : null}

      <div className="review-actions">
        {/* Neither the author nor the persona's creator grades a review (the API refuses too). */}
        {!isMine && !isCreator ? (
          <button
            type="button"
            className="btn btn-small btn-ghost"
            aria-pressed={voted}
            disabled={voted || helpful.isPending}
            onClick={() => (status === "authenticated" ? helpful.mutate() : navigate(loginPath(location)))}
          >
            Helpful{helpfulCount ? ` (${helpfulCount})` : ""}
          </button>
        ) : helpfulCount ? (
          <span className="muted">{helpfulCount} found this helpful</span>
        ) : null}
        {isCreator && !review.response && !responding ? (
          <button type="button" className="btn btn-small btn-ghost" onClick={() => setResponding(true)}>
            Respond
          </button>
        ) : null}
        {!isMine ? (
          status === "authenticated" ? (
            <button type="button" className="btn btn-small btn-ghost" onClick={() => setReporting(true)} aria-label={`Report review by ${review.author?.username ?? "user"}`}>
              Report
            </button>
          ) : (
            <Link className="btn btn-small btn-ghost" to={loginPath(location)}>
              Log in to vote or report
            </Link>
          )
        ) : null}
      </div>

      {responding ? <ResponseForm review={review} persona={persona} onDone={() => setResponding(false)} /> : null}

      {reporting ? <ReportDialog title="Report this review" onSubmit={(input) => reportReview(review.id, input)} onClose={() => setReporting(false)} /> : null}
    </li>
  );
}

const responseSchema = z.object({ body: z.string().trim().min(1, "Write a response first.").max(5000, "At most 5000 characters.") });
type ResponseValues = z.infer<typeof responseSchema>;

/** The creator's public answer to a review. */
function ResponseForm({ review, persona, onDone }: { review: Review; persona: Persona; onDone: () => void }) {
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const form = useForm<ResponseValues>({ resolver: zodResolver(responseSchema), defaultValues: { body: "" } });
  const body = form.watch("body");
  const respond = useMutation({
    mutationFn: (values: ResponseValues) => respondToReview(review.id, values.body),
    onSuccess: () => {
      notify("Your response was posted.");
      onDone();
      void queryClient.invalidateQueries({ queryKey: qk.reviews(persona.id) });
    },
  });
  return (
    <form className="response-form" onSubmit={form.handleSubmit((values) => respond.mutate(values))}>
      <FormError error={formLevelError(respond.error, ["body"])} />
      <TextArea label="Your response" rows={3} {...form.register("body")} error={fieldMessage(form.formState.errors, respond.error, "body")} />
      <FormActions label="Post response" busyLabel="Posting…" busy={respond.isPending} disabled={!body.trim()} onCancel={onDone} />
    </form>
  );
}
