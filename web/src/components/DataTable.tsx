import type { ReactNode } from "react";

export interface Column<T> {
  header: string;
  /** Right-aligned numbers. */
  numeric?: boolean;
  /** Header read by screen readers only (an actions column). */
  hideHeader?: boolean;
  className?: (row: T) => string | undefined;
  cell: (row: T) => ReactNode;
}

/** A responsive table: each cell carries its header as `data-label` for the stacked phone layout. */
export function DataTable<T>({ rows, columns, rowKey, label }: { rows: T[]; columns: Column<T>[]; rowKey: (row: T) => string; label?: string }) {
  return (
    <div className="table-wrap">
      <table className="table responsive" aria-label={label}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.header} scope="col" className={c.numeric ? "num" : undefined}>
                {c.hideHeader ? <span className="sr-only">{c.header}</span> : c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) => (
                <td key={c.header} data-label={c.hideHeader ? "" : c.header} className={[c.numeric ? "num" : "", c.className?.(row) ?? ""].join(" ").trim() || undefined}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
