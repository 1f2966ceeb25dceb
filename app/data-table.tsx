import type { ReactNode } from "react";

export interface DataTableColumn {
  label: ReactNode;
  /** Added to the header cell's padding, e.g. "text-right" for numbers. */
  className?: string;
}

/**
 * The site's tables (organizer lists, a participant's submissions): a bordered white box that
 * scrolls sideways on a phone, a caption for screen readers, one header row. `relative`: the
 * sr-only labels inside are positioned against this box, not the page (or they widen the page
 * on phones). The body rows are the caller's.
 */
export function DataTable(props: {
  caption: string;
  columns: DataTableColumn[];
  children: ReactNode;
  smallHeader?: boolean;
  testId?: string;
}) {
  return (
    <div className="relative overflow-x-auto rounded border border-stone-200 bg-white">
      <table className="min-w-full text-left text-sm" data-testid={props.testId}>
        <caption className="sr-only">{props.caption}</caption>
        <thead className={`border-b border-stone-300 bg-stone-50 text-stone-600${props.smallHeader ? " text-xs" : ""}`}>
          <tr>
            {props.columns.map((column, i) => (
              <th key={i} scope="col" className={`px-3 py-2${column.className ? ` ${column.className}` : ""}`}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}
