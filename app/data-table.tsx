import type { ReactNode } from "react";

export interface DataTableColumn {
  label: ReactNode;
  /** Added to the header cell's padding, e.g. "text-right" for numbers. */
  className?: string;
}

/**
 * The site's tables (organizer lists, a participant's submissions, a submission's metrics): a
 * table that scrolls sideways on a phone, a caption for screen readers, one header row. `relative`:
 * the sr-only labels inside are positioned against this box, not the page (or they widen the page
 * on phones). The body rows are the caller's.
 *
 * By default the table is a list in a bordered white box with a shaded header. `plain` is for a
 * table that reads as part of the page's text (the metrics on a submission page): no box, no
 * shading, and the columns set apart by right padding alone, so the last one ends flush with the
 * text.
 */
export function DataTable(props: {
  caption: string;
  columns: DataTableColumn[];
  children: ReactNode;
  smallHeader?: boolean;
  plain?: boolean;
  testId?: string;
}) {
  const last = props.columns.length - 1;
  const padding = (i: number) => (!props.plain ? "px-3 py-2" : i < last ? "py-2 pr-4" : "py-2");
  return (
    <div className={`relative overflow-x-auto${props.plain ? "" : " rounded border border-stone-200 bg-white"}`}>
      <table className="min-w-full text-left text-sm" data-testid={props.testId}>
        <caption className="sr-only">{props.caption}</caption>
        <thead
          className={`border-b border-stone-300${props.plain ? "" : " bg-stone-50"} text-stone-600${props.smallHeader ? " text-xs" : ""}`}
        >
          <tr>
            {props.columns.map((column, i) => (
              <th key={i} scope="col" className={`${padding(i)}${column.className ? ` ${column.className}` : ""}`}>
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
