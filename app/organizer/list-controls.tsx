import Link from "next/link";
import type { ComponentProps, ReactNode } from "react";
import { DataTable, type DataTableColumn } from "../data-table";

export type SearchParams = Record<string, string | string[] | undefined>;

/** The page's query string with some values replaced (empty values dropped). */
export function hrefWith(path: string, params: SearchParams, changes: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...params, ...changes })) {
    const value = Array.isArray(v) ? v[0] : v;
    if (value !== undefined && value !== "") q.set(k, String(value));
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** A GET form of filters: the URL is the state, so a filtered page can be bookmarked or exported. */
export function FilterForm(props: { action: string; children: React.ReactNode; exportHref?: string; label: string }) {
  return (
    <form
      method="get"
      action={props.action}
      aria-label={props.label}
      className="flex flex-wrap items-end gap-3 rounded border border-stone-200 bg-white p-3 text-sm"
    >
      {props.children}
      <button type="submit" className="rounded border border-stone-900 bg-stone-900 px-3 py-1.5 text-white hover:bg-stone-700">
        Filter
      </button>
      {props.exportHref && (
        <a
          href={props.exportHref}
          download
          className="rounded border border-stone-300 bg-white px-3 py-1.5 hover:bg-stone-100"
          data-testid="export-csv"
        >
          Export CSV
        </a>
      )}
    </form>
  );
}

/** One filter of a list: a query-string parameter, its label, and a text, date or drop-down field. */
export interface FilterSpec {
  name: string;
  label: string;
  type?: string;
  /** A drop-down of these values (and "any"). */
  options?: readonly string[];
}

export function FilterField(props: FilterSpec & { value?: string }) {
  const id = `filter-${props.name}`;
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-xs font-medium text-stone-600">
        {props.label}
      </label>
      {props.options ? (
        <select id={id} name={props.name} defaultValue={props.value ?? ""} className="rounded border border-stone-300 bg-white px-2 py-1">
          <option value="">any</option>
          {props.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      ) : (
        <input
          id={id}
          name={props.name}
          type={props.type ?? "text"}
          defaultValue={props.value ?? ""}
          className="rounded border border-stone-300 bg-white px-2 py-1"
        />
      )}
    </div>
  );
}

/** "Rows a–b of n" with previous/next links. */
export function Pager(props: { path: string; params: SearchParams; page: number; pageSize: number; total: number }) {
  const { page, pageSize, total } = props;
  const last = Math.max(1, Math.ceil(total / pageSize));
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  return (
    <nav aria-label="Pages" className="flex items-center gap-3 text-sm text-stone-600">
      <span>{total === 0 ? "No rows" : `Rows ${first}–${Math.min(page * pageSize, total)} of ${total}`}</span>
      {page > 1 && (
        <Link className="underline" href={hrefWith(props.path, props.params, { page: page - 1 })}>
          Previous
        </Link>
      )}
      {page < last && (
        <Link className="underline" href={hrefWith(props.path, props.params, { page: page + 1 })}>
          Next
        </Link>
      )}
    </nav>
  );
}

/** The lists' date filter (lib/organizer's DateRange): from and to, UTC dates, both ends included. */
export const DATE_FILTERS: readonly FilterSpec[] = [
  { name: "from", label: "From (UTC date)", type: "date" },
  { name: "to", label: "To (UTC date)", type: "date" },
];

/** DATE_FILTERS as fields, for a filter form written out by hand. */
export function DateFields(props: { from?: string; to?: string }) {
  return (
    <>
      {DATE_FILTERS.map((f) => (
        <FilterField key={f.name} {...f} value={props[f.name as "from" | "to"]} />
      ))}
    </>
  );
}

/** A list's column: its header label, or a label with the header cell's class (`numeric` for right-aligned numbers). */
export type ListColumn = string | DataTableColumn;

/** A right-aligned column of numbers. */
export const numeric = (label: string): DataTableColumn => ({ label, className: "text-right" });

/** One page of a filtered list: its table (small header) with the pager under it. */
export function PagedTable(props: {
  path: string;
  params: SearchParams;
  list: { page: number; pageSize: number; total: number };
  caption: string;
  testId?: string;
  columns: readonly ListColumn[];
  children: ReactNode;
}) {
  const { list } = props;
  const columns = props.columns.map((c) => (typeof c === "string" ? { label: c } : c));
  return (
    <>
      <DataTable caption={props.caption} smallHeader testId={props.testId} columns={columns}>
        {props.children}
      </DataTable>
      <Pager path={props.path} params={props.params} page={list.page} pageSize={list.pageSize} total={list.total} />
    </>
  );
}

/**
 * A filtered list page's body: the filter form over one page of the table. Each filter's field
 * shows its value from the query string, and Export CSV (`exportPath`) gets the same filters;
 * `hidden` fields (a tab) only keep the page as it is when the form is sent.
 */
export function FilteredList(
  props: ComponentProps<typeof PagedTable> & {
    filterLabel: string;
    filters: readonly FilterSpec[];
    hidden?: Record<string, string>;
    exportPath: string;
  },
) {
  const { filterLabel, filters, hidden, exportPath, ...table } = props;
  const values = Object.fromEntries(filters.map((f) => [f.name, first(props.params[f.name])]));
  return (
    <>
      <FilterForm action={props.path} label={filterLabel} exportHref={hrefWith(exportPath, values, {})}>
        {Object.entries(hidden ?? {}).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        {filters.map((f) => (
          <FilterField key={f.name} {...f} value={values[f.name]} />
        ))}
      </FilterForm>
      <PagedTable {...table} />
    </>
  );
}

export const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** A page's searchParams through a list query schema; a bad filter shows the unfiltered first page. */
export function pageQuery<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false }; parse(v: unknown): T },
  params: SearchParams,
): T {
  const flat = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, first(v)]));
  const parsed = schema.safeParse(flat);
  return parsed.success ? parsed.data : schema.parse({});
}

export const cell = "px-3 py-2";
export const fmtScore = (v: number | null) => (v === null ? "—" : v.toFixed(4));

/** The columns both lists of everyone's submissions share (each adds its own last column). */
export const SUBMISSION_COLUMNS: DataTableColumn[] = [
  { label: "Submitted" },
  { label: "By" },
  { label: "File" },
  { label: "Status" },
  numeric("Public"),
  numeric("Private"),
];

/** What a row of an organizer's submission list shows of one submission. */
export interface SubmissionCellsRow {
  id: string;
  kind: string;
  fileName: string;
  status: string;
  /** Shown where the list has it. */
  failureKind?: string | null;
  isFinal: boolean;
  disqualifiedAt: Date | null;
  publicMain: number | null;
  privateMain: number | null;
}

/** The file, status, both scores and the file download of a submission: the same cells in every organizer list of submissions. */
export function SubmissionCells({ s }: { s: SubmissionCellsRow }) {
  return (
    <>
      <td className={`${cell} font-mono text-xs`}>
        <Link className="underline" href={`/submissions/${s.id}`}>
          {s.kind} · {s.fileName}
        </Link>
      </td>
      <td className={cell}>
        {s.status}
        {s.failureKind && ` (${s.failureKind})`}
        {s.isFinal && " · final"}
        {s.disqualifiedAt && " · disqualified"}
      </td>
      <td className={`${cell} text-right tabular-nums`}>{fmtScore(s.publicMain)}</td>
      <td className={`${cell} text-right tabular-nums`}>{fmtScore(s.privateMain)}</td>
      <td className={cell}>
        <a className="text-xs underline" href={`/api/organizer/submissions/${s.id}/file`} download>
          file
        </a>
      </td>
    </>
  );
}
