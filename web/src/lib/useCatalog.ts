import { useQuery } from "@tanstack/react-query";
import { listCategories, listTags } from "../api";
import { qk } from "../api/queryKeys";

export function useCategories() {
  return useQuery({ queryKey: qk.categories, queryFn: listCategories, staleTime: 10 * 60_000 });
}

export function useTags() {
  return useQuery({ queryKey: qk.tags, queryFn: () => listTags(), staleTime: 10 * 60_000 });
}
