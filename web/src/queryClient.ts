import { QueryClient } from "@tanstack/react-query";
import { isApiError } from "./api";

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        // Client errors won't fix themselves; retry only network/server trouble.
        retry: (count, error) => {
          if (isApiError(error) && error.status >= 400 && error.status < 500 && error.status !== 408) return false;
          return count < 2;
        },
      },
      mutations: { retry: false },
    },
  });
}
