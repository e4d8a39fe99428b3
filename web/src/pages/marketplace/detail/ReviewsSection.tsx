import { useState, type FormEvent } from "react";
import { Link, useLocation, useNavigate } from "react-router";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
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
import { ReportDialog } from "../../../components/ReportDialog";
import { StarInput, Stars } from "../../../components/Stars";
import { EmptyState, ErrorState, FormError, LoadingState } from "../../../components/States";
import { useToast } from "../../../components/Toast";
import { formatDate, formatRating } from "../../../lib/format";
import { fieldErrorsOf, formLevelError } from "../../../lib/forms";

export function ReviewsSection({ persona }: { persona: Persona }) {
  const { user, status } = useAuth();
  const location = useLocation();
  const reviews = useInfiniteQuery({
    queryKey: qk.reviews(persona.id),
    queryFn: ({ pageParam }) => listReviews(persona.id, { limit: 20, cursor: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const items = reviews.data?.pages.flatMap((p) => p.items) ?? [];
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

      {reviews.isPending ? (
        <LoadingState label="Loading reviews…" />
      ) : reviews.isError ? (
        <ErrorState error={reviews.error} onRetry={() => void reviews.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title="No reviews yet">{canReview ? "Be the first to share what you think." : undefined}</EmptyState>
      ) : (
        <>
          <ul className="reviews">
            {items.map((r) => (
              <ReviewItem key={r.id} review={r} persona={persona} isCreator={isCreator} />
            ))}
          </ul>
          {reviews.hasNextPage ? (
            <button type="button" className="btn" onClick={() => void reviews.fetchNextPage()} disabled={reviews.isFetchingNextPage}>
              {reviews.isFetchingNextPage ? "Loading…" : "More reviews"}
            </button>
          ) : null}
        </>
      )}
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

function ReviewForm({ persona, existing }: { persona: Persona; existing?: Review }) {
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const [editing, setEditing] = useState(!existing);
  const [rating, setRating] = useState(existing?.rating ?? 0);
  const [body, setBody] = useState(existing?.body ?? "");
  const [localError, setLocalError] = useState<string | undefined>();
  const mutation = useMutation({
    mutationFn: () => postReview(persona.id, { rating, body: body.trim() }),
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
            setRating(existing.rating);
            setBody(existing.body);
            setEditing(true);
          }}
        >
          Edit your review
        </button>
      </div>
    );
  }

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (rating < 1) {
      setLocalError("Choose a rating from 1 to 5 stars.");
      return;
    }
    setLocalError(undefined);
    mutation.mutate();
  };
  const fe = fieldErrorsOf(mutation.error);

  return (
    <form className="card review-form" onSubmit={submit} aria-label={existing ? "Edit your review" : "Write a review"}>
      <h3>{existing ? "Edit your review" : "Write a review"}</h3>
      <FormError error={formLevelError(mutation.error, ["rating", "body"])} />
      <StarInput label="Your rating" value={rating} onChange={setRating} error={localError ?? fe.rating} />
      <TextArea label="Your review" rows={4} maxLength={5000} value={body} onChange={(e) => setBody(e.target.value)} error={fe.body} hint="What worked well? What could be better?" />
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
  const [response, setResponse] = useState("");
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

  const respond = useMutation({
    mutationFn: () => respondToReview(review.id, response.trim()),
    onSuccess: () => {
      notify("Your response was posted.");
      setResponding(false);
      void queryClient.invalidateQueries({ queryKey: qk.reviews(persona.id) });
    },
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
        {!isMine ? (
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

      {responding ? (
        <form
          className="response-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (response.trim()) respond.mutate();
          }}
        >
          <FormError error={formLevelError(respond.error, ["body"])} />
          <TextArea label="Your response" rows={3} value={response} onChange={(e) => setResponse(e.target.value)} error={fieldErrorsOf(respond.error).body} />
          <div className="form-actions">
            <button type="button" className="btn btn-ghost" onClick={() => setResponding(false)}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary" disabled={respond.isPending || !response.trim()}>
              {respond.isPending ? "Posting…" : "Post response"}
            </button>
          </div>
        </form>
      ) : null}

      {reporting ? <ReportDialog title="Report this review" onSubmit={(input) => reportReview(review.id, input)} onClose={() => setReporting(false)} /> : null}
    </li>
  );
}
