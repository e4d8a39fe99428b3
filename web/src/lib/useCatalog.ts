import { useQuery } from "@tanstack/react-query";
import { listCategories, listTags } from "../api";
import { qk } from "../api/queryKeys";

export function useCategories() {
  return useQuery({ queryKey: qk.categories, queryFn: listCategories, staleTime: 10 * 60_000 });
}

/** The display name of a category slug ("health-fitness" → "Health & fitness"). */
export function useCategoryName(): (slug: string) => string {
  const categories = useCategories();
  return (slug) => categories.data?.find((c) => c.slug === slug)?.name ?? slug;
}

export function useTags() {
  return useQuery({ queryKey: qk.tags, queryFn: () => listTags(), staleTime: 10 * 60_000 });
}
