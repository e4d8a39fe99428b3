import type { ReactNode } from "react";
import type { PagedList as PagedListState } from "../lib/usePagedList";
import { PagedList } from "./PagedList";

/** A paged list shown as a labelled list of rows (`row` gives each item's <li>, with its key). */
export function PagedRows<T>({ list, label, loadingLabel, empty, row }: { list: PagedListState<T>; label: string; loadingLabel: string; empty: ReactNode; row: (item: T) => ReactNode }) {
  return (
    <PagedList list={list} loadingLabel={loadingLabel} empty={empty}>
      {(items) => (
        <ul className="row-list" aria-label={label}>
          {items.map(row)}
        </ul>
      )}
    </PagedList>
  );
}
