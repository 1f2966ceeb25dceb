import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/errors/app-error";
import { getLeaderboard, parseLeaderboardQuery, type LeaderboardQuery, type LeaderboardWithSeries } from "@/lib/leaderboard/get-leaderboard";
import { COLUMNS, type ColumnInfo, type MetricKey } from "@/lib/leaderboard/leaderboard-columns";
import { paginateLeaderboardRows } from "@/lib/leaderboard/paginate-leaderboard-rows";
import type { LeaderboardRow } from "@/lib/leaderboard/types";
import { formatScore, formatSigned, formatUtc, leaderboardHref, sortHref } from "./leaderboard-format";
import { ScoreChart } from "./score-chart";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Leaderboard" };

type SearchParams = Record<string, string | string[] | undefined>;

const DEFAULT_QUERY: LeaderboardQuery = { board: "public", sort: "rank", dir: "asc" };

export default async function LeaderboardPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  let notice: string | undefined;
  let query = DEFAULT_QUERY;
  try {
    query = parseLeaderboardQuery(params);
  } catch (error) {
    if (!isAppError(error)) throw error;
    notice = `${error.userMessage} Showing the default order.`;
  }
  let lb: LeaderboardWithSeries;
  try {
    lb = await getLeaderboard({ db: getDb(), query });
  } catch (error) {
    // The private board before the reveal: say so and show the public one.
    if (!isAppError(error) || error.code !== "forbidden") throw error;
    notice = error.userMessage;
    query = { ...query, board: "public" };
    lb = await getLeaderboard({ db: getDb(), query });
  }
  const rawPage = Array.isArray(params.page) ? params.page[0] : params.page;
  const page = paginateLeaderboardRows({ rows: lb.rows, page: Number(rawPage ?? 1) });
  const apiQuery = leaderboardHref(query).replace("/leaderboard", "");

  return (
    <div className="space-y-8">
      <section aria-labelledby="title" className="space-y-3">
        <h1 id="title" className="text-3xl font-bold tracking-tight">Leaderboard</h1>
        <PhaseLine lb={lb} />
        <p className="max-w-3xl text-sm text-stone-700">
          One line per participant: their best {lb.board} score (the mean of the three macro-F1s). Ties go to whoever
          submitted first. Organizer baselines are shown for reference and take no rank.{" "}
          {lb.board === "public"
            ? "Public scores use half of the hidden test images; the other half decides the private leaderboard at the end."
            : "Private scores come from each participant's final selections, or their two best public entries if they chose none."}
        </p>
        {notice && (
          <p role="status" className="rounded border border-amber-300 bg-amber-50 p-3 text-sm" data-testid="leaderboard-notice">
            {notice}
          </p>
        )}
      </section>

      {lb.privateRevealed && (
        <nav aria-label="Leaderboard" className="flex gap-2 border-b border-stone-200 text-sm">
          {(["public", "private"] as const).map((board) => (
            <Link
              key={board}
              href={leaderboardHref({ ...DEFAULT_QUERY, board })}
              aria-current={lb.board === board ? "page" : undefined}
              className={`-mb-px rounded-t border px-4 py-2 ${lb.board === board ? "border-stone-200 border-b-white bg-white font-semibold" : "border-transparent text-stone-600 hover:text-stone-900"}`}
            >
              {board === "public" ? "Public" : "Private (final)"}
            </Link>
          ))}
        </nav>
      )}

      <section aria-labelledby="board-title" className="space-y-3">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="board-title" className="text-xl font-semibold">
            {lb.board === "public" ? "Public leaderboard" : "Private leaderboard"}
          </h2>
          <p className="text-sm text-stone-600">
            <a className="underline hover:text-stone-900" href={`/api/leaderboard${apiQuery}`}>JSON</a>
            {" · "}
            <a className="underline hover:text-stone-900" href={`/api/leaderboard/csv${apiQuery}`} download>Download CSV</a>
          </p>
        </div>
        {lb.rows.length === 0 ? (
          <p className="rounded border border-stone-200 bg-white p-4 text-sm text-stone-700" data-testid="leaderboard-empty">
            No scored submissions yet. Be the first!
          </p>
        ) : (
          <>
            <BoardTable lb={lb} query={query} rows={page.rows} />
            <p className="text-xs text-stone-500">
              {page.participantCount.toLocaleString("en")} participants. Entries: scored submissions plus those refused because of
              the file (failures on our side are not counted). {lb.board === "public" ? "Rank change: since 24 hours ago." : "Rank change: private rank against public rank."}{" "}
              Updated {formatUtc(lb.generatedAt)}.
            </p>
            {page.pageCount > 1 && <Pager query={query} page={page.page} pageCount={page.pageCount} />}
          </>
        )}
      </section>

      {lb.series.participants.length > 0 && (
        <section aria-labelledby="chart-title" className="space-y-2">
          <h2 id="chart-title" className="text-xl font-semibold">Best public score over time</h2>
          <figure className="rounded border border-stone-200 bg-white p-3">
            <ScoreChart series={lb.series} />
            <figcaption className="mt-2 text-xs text-stone-600">
              The best public score so far of the top {lb.series.participants.length} participants
              {lb.series.baselines.length > 0 && "; dashed lines are the baselines"}. Leader:{" "}
              {lb.series.participants[0].name} with {formatScore(lb.series.participants[0].points.at(-1)?.score)}.
            </figcaption>
          </figure>
        </section>
      )}
    </div>
  );
}

function PhaseLine({ lb }: { lb: LeaderboardWithSeries }) {
  const p = lb.phase;
  if (!p) return <p className="text-sm text-stone-600">Open-ended challenge: public scores only.</p>;
  const status = p.status === "running" ? `running until ${formatUtc(p.endsAt)}` : p.status === "ended" ? `ended ${formatUtc(p.endsAt)}` : `starts ${formatUtc(p.startsAt)}`;
  return (
    <p className="text-sm text-stone-600" data-testid="phase-line">
      Phase <strong>{p.name}</strong>: {status}. {lb.privateRevealed ? "The private leaderboard is revealed." : "The private leaderboard is revealed when the phase ends."}
    </p>
  );
}

// The table is wide on purpose (every metric is sortable): it scrolls sideways on a phone.
const SHOWN: readonly ColumnInfo[] = COLUMNS;

function BoardTable({ lb, query, rows }: { lb: LeaderboardWithSeries; query: LeaderboardQuery; rows: LeaderboardRow[] }) {
  return (
    <div className="overflow-x-auto rounded border border-stone-200 bg-white" tabIndex={0} role="region" aria-labelledby="board-title">
      <table className="min-w-full whitespace-nowrap text-right text-sm tabular-nums [&_td]:px-3 [&_td]:py-1.5 [&_th]:px-3" data-testid="leaderboard-table">
        <thead className="border-b border-stone-300 bg-stone-100 text-xs text-stone-700">
          <tr>
            {SHOWN.slice(0, 1).map((c) => <SortHeader key={c.key} column={c} query={query} />)}
            <th scope="col" className="py-2 text-left">Participant</th>
            {SHOWN.slice(1).map((c) => <SortHeader key={c.key} column={c} query={query} />)}
            {lb.board === "private" && <th scope="col" className="py-2">Public score</th>}
            <th scope="col" className="py-2">Change</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {rows.map((r, i) => (
            <tr key={`${r.kind}-${r.rank ?? `b${i}`}-${r.name}`} className={r.kind === "baseline" ? "bg-sky-50" : undefined} data-kind={r.kind}>
              <td className="font-semibold">{r.rank ?? <span aria-label="no rank (baseline)">—</span>}</td>
              <th scope="row" className="py-1.5 text-left font-medium">
                <span className="inline-block max-w-[14rem] truncate align-bottom" title={r.name}>{r.name}</span>
                {r.kind === "baseline" && (
                  <span className="ml-2 rounded bg-sky-700 px-1.5 py-0.5 text-[10px] font-semibold uppercase tracking-wide text-white">Baseline</span>
                )}
              </th>
              {SHOWN.slice(1).map((c) => (
                <td key={c.key} className={c.key === "main" ? "font-semibold" : undefined}>
                  <Cell row={r} column={c.key} />
                </td>
              ))}
              {lb.board === "private" && <td className="text-stone-600">{formatScore(r.publicMain)}</td>}
              <td><RankChange change={r.rankChange} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SortHeader({ column, query }: { column: ColumnInfo; query: LeaderboardQuery }) {
  const active = query.sort === column.key;
  const sortState = active ? (query.dir === "asc" ? "ascending" : "descending") : undefined;
  return (
    <th scope="col" aria-sort={sortState} className="py-2 font-semibold">
      <Link href={sortHref(query, column.key)} title={column.description} className="inline-flex items-center gap-1 rounded hover:text-stone-950 hover:underline focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-600">
        {column.label}
        <span aria-hidden className={active ? "text-stone-900" : "text-stone-400"}>{active ? (query.dir === "asc" ? "▲" : "▼") : "↕"}</span>
        <span className="sr-only">{active ? `, sorted ${sortState}; activate to reverse` : ", activate to sort"}</span>
      </Link>
    </th>
  );
}

function Cell({ row, column }: { row: LeaderboardRow; column: ColumnInfo["key"] }) {
  switch (column) {
    case "submissions":
      return <>{row.submissions}</>;
    case "bestAt":
      return <time dateTime={row.bestAt.toISOString()}>{formatUtc(row.bestAt).slice(0, 16)}</time>;
    case "fairnessGap":
      return <Missing value={row.metrics.fairnessGap} text={formatSigned(row.metrics.fairnessGap)} />;
    case "rank":
      return null;
    default: {
      const v = row.metrics[column as MetricKey];
      return <Missing value={v} text={formatScore(v, column === "main" ? 4 : 3)} />;
    }
  }
}

function Missing({ value, text }: { value: number | null; text: string }) {
  return value === null ? <span title="not measurable for this entry" aria-label="not available">—</span> : <>{text}</>;
}

function RankChange({ change }: { change: LeaderboardRow["rankChange"] }) {
  if (change === null) return null;
  if (change === "new") return <span className="rounded bg-amber-100 px-1.5 py-0.5 text-xs font-semibold text-amber-900">new</span>;
  if (change === 0) return <span className="text-stone-400"><span aria-hidden>=</span><span className="sr-only">no change</span></span>;
  const up = change > 0;
  return (
    <span className={up ? "text-emerald-700" : "text-red-700"}>
      <span aria-hidden>{up ? "▲" : "▼"}{Math.abs(change)}</span>
      <span className="sr-only">{up ? "up" : "down"} {Math.abs(change)} {Math.abs(change) === 1 ? "place" : "places"}</span>
    </span>
  );
}

function Pager({ query, page, pageCount }: { query: LeaderboardQuery; page: number; pageCount: number }) {
  return (
    <nav aria-label="Leaderboard pages" className="flex flex-wrap items-center gap-2 text-sm">
      {page > 1 && <Link className="rounded border border-stone-300 bg-white px-3 py-1 hover:bg-stone-100" href={leaderboardHref({ ...query, page: page - 1 })}>← Previous</Link>}
      <span className="text-stone-600">Page {page} of {pageCount}</span>
      {page < pageCount && <Link className="rounded border border-stone-300 bg-white px-3 py-1 hover:bg-stone-100" href={leaderboardHref({ ...query, page: page + 1 })}>Next →</Link>}
    </nav>
  );
}
