import type { LeaderboardQuery } from "@/lib/leaderboard/get-leaderboard";
import { COLUMNS, type ColumnInfo, type MetricKey } from "@/lib/leaderboard/leaderboard-columns";
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

function sortHeader(column: ColumnInfo, query: LeaderboardQuery): string {
  const active = query.sort === column.key;
  const state = active ? (query.dir === "asc" ? "ascending" : "descending") : undefined;
  const arrow = active ? (query.dir === "asc" ? "▲" : "▼") : "↕";
  return (
    `<th scope="col"${state ? ` aria-sort="${state}"` : ""} class="py-2 font-semibold">` +
    `<a href="${escapeHtml(sortHref(query, column.key))}" title="${escapeHtml(column.description)}" class="inline-flex items-center gap-1 rounded hover:text-stone-950 hover:underline focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-600">` +
    `${escapeHtml(column.label)}<span aria-hidden="true" class="${active ? "text-stone-900" : "text-stone-400"}">${arrow}</span>` +
    `<span class="sr-only">${active ? `, sorted ${state}; activate to reverse` : ", activate to sort"}</span></a></th>`
  );
}

export function boardTableHtml(options: { board: Board; query: LeaderboardQuery; rows: readonly LeaderboardRow[] }): string {
  const { board, query, rows } = options;
  const [rankColumn, ...metricColumns] = COLUMNS;
  const out: string[] = [];
  // The table is wide on purpose (every metric is sortable): it scrolls sideways on a phone.
  out.push(
    '<div class="relative overflow-x-auto rounded border border-stone-200 bg-white" tabindex="0" role="region" aria-labelledby="board-title">',
    '<table class="min-w-full whitespace-nowrap text-right text-sm tabular-nums [&_td]:px-3 [&_td]:py-1.5 [&_th]:px-3" data-testid="leaderboard-table">',
    '<thead class="border-b border-stone-300 bg-stone-100 text-xs text-stone-700"><tr>',
    sortHeader(rankColumn, query),
    '<th scope="col" class="py-2 text-left">Participant</th>',
    ...metricColumns.map((c) => sortHeader(c, query)),
    board === "private" ? '<th scope="col" class="py-2">Public score</th>' : "",
    '<th scope="col" class="py-2">Change</th></tr></thead><tbody class="divide-y divide-stone-100">',
  );
  for (const r of rows) {
    const baseline = r.kind === "baseline";
    out.push(
      `<tr data-kind="${r.kind}"${baseline ? ' class="bg-sky-50"' : ""}>`,
      `<td class="font-semibold">${r.rank ?? '<span aria-label="no rank (baseline)">—</span>'}</td>`,
      `<th scope="row" class="py-1.5 text-left font-medium"><span class="inline-block max-w-[14rem] truncate align-bottom" title="${escapeHtml(r.name)}">${escapeHtml(r.name)}</span>`,
      baseline ? '<span class="ml-2 rounded bg-sky-700 px-1.5 py-0.5 text-[10px] font-semibold uppercase tracking-wide text-white">Baseline</span>' : "",
      "</th>",
      ...metricColumns.map((c) => `<td${c.key === "main" ? ' class="font-semibold"' : ""}>${metricCell(r, c.key)}</td>`),
      board === "private" ? `<td class="text-stone-600">${formatScore(r.publicMain)}</td>` : "",
      `<td>${rankChange(r.rankChange)}</td></tr>`,
    );
  }
  out.push("</tbody></table></div>");
  return out.join("");
}
