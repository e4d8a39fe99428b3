import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useLocation, useNavigate } from "react-router";
import { errorMessage, followUser, unfollowUser } from "../api";
import { qk } from "../api/queryKeys";
import { loginPath, useAuth } from "../auth/AuthContext";
import { useToast } from "./Toast";

export function FollowButton({ username, following }: { username: string; following: boolean }) {
  const { user, status } = useAuth();
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const navigate = useNavigate();
  const location = useLocation();
  const mutation = useMutation({
    mutationFn: (follow: boolean) => (follow ? followUser(username) : unfollowUser(username)),
    onSuccess: (_d, follow) => {
      notify(follow ? `You're following ${username}.` : `You unfollowed ${username}.`);
      void queryClient.invalidateQueries({ queryKey: qk.profile(username) });
      void queryClient.invalidateQueries({ queryKey: qk.me });
    },
    onError: (e) => notify(errorMessage(e), "error"),
  });
  if (user?.username === username) return null;
  return (
    <button
      type="button"
      className={`btn btn-small ${following ? "" : "btn-primary"}`}
      aria-pressed={following}
      aria-label={`${following ? "Following" : "Follow"} ${username}`}
      disabled={mutation.isPending}
      onClick={() => {
        if (status !== "authenticated") {
          navigate(loginPath(location));
          return;
        }
        mutation.mutate(!following);
      }}
    >
      {following ? "Following" : "Follow"}
    </button>
  );
}
