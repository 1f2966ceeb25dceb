import type { LeaderboardQuery } from "@/lib/leaderboard/get-leaderboard";
import { VERIFICATION_LABELS, isVerificationStatus } from "@/lib/verification/verification-status";
import { COLUMNS, type ColumnInfo, type MetricKey } from "@/lib/leaderboard/leaderboard-columns";
import { rowOwnerKey } from "@/lib/leaderboard/row-owner-key";
import type { Board, LeaderboardRow } from "@/lib/leaderboard/types";
import { formatScore, formatSigned, formatUtc, sortHref } from "./leaderboard-format";

/*
 * The leaderboard table as an HTML string, built once per snapshot, board, sort and page and
 * memoised with the snapshot (see page.tsx).
 *
 * Why not JSX: the page must answer 200 requests/s on two shared cores. Rendering a 50-row,
 * 16-column table through React Server Components (element tree, RSC payload, HTML) took
 * ~15-40 ms per request here, which alone saturates the server far below that rate. The same
 * markup as a cached string costs a copy. Every piece of text is escaped below; the only free
 * text is the participant's display name.
 */

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

const NOT_AVAILABLE = '<span title="not measurable for this entry" aria-label="not available">—</span>';

function metricCell(row: LeaderboardRow, key: ColumnInfo["key"]): string {
  switch (key) {
    case "submissions":
      return String(row.submissions);
    case "bestAt":
      return `<time datetime="${row.bestAt.toISOString()}">${escapeHtml(formatUtc(row.bestAt).slice(0, 16))}</time>`;
    case "fairnessGap":
      return row.metrics.fairnessGap === null ? NOT_AVAILABLE : escapeHtml(formatSigned(row.metrics.fairnessGap));
    default: {
      const v = row.metrics[key as MetricKey];
      return v === null ? NOT_AVAILABLE : formatScore(v, key === "main" ? 4 : 3);
    }
  }
}

function rankChange(change: LeaderboardRow["rankChange"]): string {
  if (change === null) return "";
  if (change === "new") return '<span class="rounded bg-amber-100 px-1.5 py-0.5 text-xs font-semibold text-amber-900">new</span>';
  if (change === 0) return '<span class="text-stone-400"><span aria-hidden="true">=</span><span class="sr-only">no change</span></span>';
  const up = change > 0;
  const n = Math.abs(change);
  return `<span class="${up ? "text-emerald-700" : "text-red-700"}"><span aria-hidden="true">${up ? "▲" : "▼"}${n}</span><span class="sr-only">${up ? "up" : "down"} ${n} ${n === 1 ? "place" : "places"}</span></span>`;
}

function sortHeader(column: ColumnInfo, query: LeaderboardQuery, cellClass: string): string {
  const active = query.sort === column.key;
  const state = active ? (query.dir === "asc" ? "ascending" : "descending") : undefined;
  const arrow = active ? (query.dir === "asc" ? "▲" : "▼") : "↕";
  return (
    `<th scope="col"${state ? ` aria-sort="${state}"` : ""} class="py-2 font-semibold ${cellClass}"${colAttr(column.key)}>` +
    `<a href="${escapeHtml(sortHref(query, column.key))}" title="${escapeHtml(column.description)}" class="inline-flex items-end gap-1 rounded hover:text-stone-950 hover:underline focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-600">` +
    `<span>${escapeHtml(column.label)}</span><span aria-hidden="true" class="${active ? "text-stone-900" : "text-stone-400"}">${arrow}</span>` +
    `<span class="sr-only">${active ? `, sorted ${state}; activate to reverse` : ", activate to sort"}</span></a></th>`
  );
}

/** The columns a phone hides behind the column picker (Rank, Participant and Score always show). */
export const OPTIONAL_COLUMNS: readonly { key: string; label: string }[] = [
  ...COLUMNS.filter((c) => c.key !== "rank" && c.key !== "main").map((c) => ({ key: c.key, label: c.label })),
  { key: "publicMain", label: "Public score" },
  { key: "change", label: "Change" },
];

function colAttr(key: string): string {
  return key === "rank" || key === "main" ? "" : ` data-col="${key}"`;
}

/*
 * Layout rules of the table, static (so part of the cached string). Rank, Participant and Score
 * are sticky on the left, so they stay in view while the other columns scroll beneath them.
 * Under 640 px the optional columns are hidden unless the column picker (column-picker.tsx)
 * shows them; headers wrap instead of being cut ("Hai...").
 */
const TABLE_CSS =
  "<style>" +
  ".lb-table th{white-space:normal;vertical-align:bottom;line-height:1.2}" +
  ".lb-table .lb-s{position:sticky;z-index:1;background:#fff}" +
  ".lb-table thead .lb-s{background:#f5f5f4}" +
  '.lb-table tr[data-kind="baseline"]>.lb-s{background:#f0f9ff}' +
  ".lb-table .lb-c1{left:0;min-width:3.25rem;width:3.25rem}" +
  ".lb-table .lb-c2{left:3.25rem;min-width:10rem;width:10rem;max-width:10rem}" +
  ".lb-table .lb-c3{left:13.25rem;box-shadow:inset -1px 0 0 #d6d3d1}" +
  // The badge wraps under a long name rather than cutting it to one letter.
  ".lb-who{display:flex;flex-wrap:wrap;align-items:center;column-gap:.5rem;row-gap:.125rem;min-width:0}" +
  ".lb-name{max-width:100%}" +
  // Wide screens: the table breaks out of the 64rem text column so all columns fit at 1440 px.
  "@media (min-width:1100px){.lb-wrap{width:min(calc(100vw - 3rem),90rem);margin-left:calc((100% - min(calc(100vw - 3rem),90rem))/2)}" +
  ".lb-table .lb-c2{min-width:14rem;width:14rem;max-width:14rem}.lb-table .lb-c3{left:17.25rem}}" +
  ".lb-name{overflow:hidden;text-overflow:ellipsis;white-space:nowrap;min-width:0}" +
  // The viewer's row (marked per request by the page) and a row jumped to by its anchor.
  ".lb-table tr:target>*{background:#fef3c7}" +
  ".lb-table tr{scroll-margin-top:4rem}" +
  "@media (max-width:639.98px){" +
  ".lb-table .lb-c2{min-width:8rem;width:8rem;max-width:8rem}.lb-table .lb-c3{left:11.25rem}" +
  ".lb-table [data-col]{display:none}" +
  "}" +
  "</style>";

/** The id of a participant's row: its rank, unique on a board (the "jump to me" link's anchor). */
export function rowAnchor(rank: number): string {
  return `rank-${rank}`;
}

export function boardTableHtml(options: { board: Board; query: LeaderboardQuery; rows: readonly LeaderboardRow[] }): string {
  const { board, query, rows } = options;
  const [rankColumn, mainColumn, ...otherColumns] = COLUMNS;
  const out: string[] = [];
  // Wide on purpose (every metric is sortable): it scrolls sideways under the sticky columns.
  out.push(
    TABLE_CSS,
    '<div id="leaderboard-table" class="lb-wrap relative overflow-x-auto rounded border border-stone-200 bg-white" tabindex="0" role="region" aria-labelledby="board-title">',
    '<table class="lb-table min-w-full whitespace-nowrap text-right text-sm tabular-nums [&_td]:px-3 [&_td]:py-1.5 [&_th]:px-3" data-testid="leaderboard-table">',
    '<thead class="border-b border-stone-300 bg-stone-100 text-xs text-stone-700"><tr>',
    sortHeader(rankColumn, query, "lb-s lb-c1"),
    '<th scope="col" class="lb-s lb-c2 py-2 text-left">Participant</th>',
    sortHeader(mainColumn, query, "lb-s lb-c3"),
    ...otherColumns.map((c) => sortHeader(c, query, "")),
    board === "private" ? '<th scope="col" class="py-2" data-col="publicMain">Public score</th>' : "",
    '<th scope="col" class="py-2" data-col="change">Change</th></tr></thead><tbody class="divide-y divide-stone-100">',
  );
  for (const r of rows) {
    const baseline = r.kind === "baseline";
    out.push(
      `<tr data-kind="${r.kind}"${r.rank === null ? "" : ` id="${rowAnchor(r.rank)}" data-rank="${r.rank}"`}${baseline ? ' class="bg-sky-50"' : ""}>`,
      `<td class="lb-s lb-c1 font-semibold">${r.rank ?? '<span aria-label="no rank (baseline)">—</span>'}</td>`,
      `<th scope="row" class="lb-s lb-c2 py-1.5 text-left font-medium"><span class="lb-who"><span class="lb-name" title="${escapeHtml(r.name)}">${teamName(r)}</span>`,
      baseline
        ? '<span class="flex-none rounded bg-sky-700 px-1.5 py-0.5 text-[10px] font-semibold uppercase tracking-wide text-white">Baseline</span>'
        : "",
      verificationBadge(r.verification),
      "</span>",
      // A team's line lists its members under its name (lib/teams).
      r.members
        ? `<span class="block truncate text-xs font-normal text-stone-600" data-members>${escapeHtml(r.members.join(", "))}</span>`
        : "",
      "</th>",
      `<td class="lb-s lb-c3 font-semibold">${metricCell(r, mainColumn.key)}</td>`,
      ...otherColumns.map((c) => `<td${colAttr(c.key)}>${metricCell(r, c.key)}</td>`),
      board === "private" ? `<td class="text-stone-600" data-col="publicMain">${formatScore(r.publicMain)}</td>` : "",
      `<td data-col="change">${rankChange(r.rankChange)}</td></tr>`,
    );
  }
  out.push("</tbody></table></div>");
  return out.join("");
}

/** A team's name links to its page (its id is in the row's owner key, "t:<teamId>"); anyone else's is plain text. */
function teamName(r: LeaderboardRow): string {
  const key = rowOwnerKey(r);
  if (!key?.startsWith("t:")) return escapeHtml(r.name);
  return `<a class="underline decoration-stone-300 hover:decoration-stone-700" href="/teams/${encodeURIComponent(key.slice(2))}">${escapeHtml(r.name)}</a>`;
}

/** Winner verification beside the name: "verified" in green, any other outcome in a quiet grey or amber. */
function verificationBadge(status: string | undefined): string {
  if (!status) return "";
  const label = isVerificationStatus(status) ? VERIFICATION_LABELS[status] : status;
  const tone =
    status === "verified"
      ? "bg-emerald-700 text-white"
      : status === "mismatch" || status === "rejected" || status === "rerun-failed"
        ? "bg-amber-100 text-amber-900"
        : "bg-stone-200 text-stone-700";
  return `<span class="flex-none rounded ${tone} px-1.5 py-0.5 text-[10px] font-semibold uppercase tracking-wide" data-verification="${escapeHtml(status)}">${escapeHtml(label)}</span>`;
}
