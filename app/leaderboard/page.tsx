import { PageIntro } from "../page-intro";
import { BoardHeading, BoardTabs, LeaderboardNotice, PhaseStatusLine } from "./board-header";
import { PageSection } from "../page-section";
import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/errors/app-error";
import {
  leaderboardFromSnapshot,
  parseLeaderboardQuery,
  type LeaderboardQuery,
  type LeaderboardWithSeries,
} from "@/lib/leaderboard/get-leaderboard";
import { getLeaderboardSnapshot } from "@/lib/leaderboard/get-leaderboard-snapshot";
import { paginateLeaderboardRows } from "@/lib/leaderboard/paginate-leaderboard-rows";
import { findCompetitorStanding, type CompetitorStanding } from "@/lib/leaderboard/find-competitor-standing";
import { getCurrentUser } from "@/lib/auth/get-current-user";
import { getUserTeam } from "@/lib/teams/get-user-team";
import { boardTableHtml, OPTIONAL_COLUMNS, rowAnchor } from "./board-table-html";
import { ColumnPicker } from "./column-picker";
import { formatBoardCount, formatScore, formatUtc, leaderboardHref } from "./leaderboard-format";
import { ScoreChart } from "./score-chart";
import { GenerationBoardPage, TrackSwitch } from "./generation-board";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Leaderboard" };

type SearchParams = Record<string, string | string[] | undefined>;

const DEFAULT_QUERY: LeaderboardQuery = { board: "public", sort: "rank", dir: "asc" };

export default async function LeaderboardPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  // ?track=generation: the generation track's own board; anything else is the attributes board, as before tracks.
  if ((Array.isArray(params.track) ? params.track[0] : params.track) === "generation") return <GenerationBoardPage params={params} />;
  let notice: string | undefined;
  let query = DEFAULT_QUERY;
  try {
    query = parseLeaderboardQuery(params);
  } catch (error) {
    if (!isAppError(error)) throw error;
    notice = `${error.userMessage} Showing the default order.`;
  }
  let cached;
  try {
    cached = await getLeaderboardSnapshot({ db: getDb(), phaseId: query.phase });
  } catch (error) {
    // A phase id that does not exist (deleted, mistyped): say so and show the current phase.
    if (!isAppError(error) || error.code !== "not-found") throw error;
    notice = `${error.userMessage} Showing the current phase.`;
    query = { board: query.board, sort: query.sort, dir: query.dir };
    cached = await getLeaderboardSnapshot({ db: getDb() });
  }
  let lb: LeaderboardWithSeries;
  try {
    lb = leaderboardFromSnapshot(cached, query);
  } catch (error) {
    // The private board before the reveal: say so and show the public one.
    if (!isAppError(error) || error.code !== "forbidden") throw error;
    notice = error.userMessage;
    query = { ...query, board: "public" };
    lb = leaderboardFromSnapshot(cached, query);
  }
  const rawPage = Number((Array.isArray(params.page) ? params.page[0] : params.page) ?? 1);
  const page = paginateLeaderboardRows({ rows: lb.rows, page: rawPage });
  // Built once per snapshot, board, sort and page: see board-table-html.ts for why.
  const tableHtml = cached.memo(`html:${query.board}:${query.sort}:${query.dir}:${page.page}`, () =>
    boardTableHtml({ board: lb.board, query, rows: page.rows }),
  );
  const apiQuery = leaderboardHref(query).replace("/leaderboard", "");
  // The viewer's own row is marked per request, on top of the shared cached HTML: a style rule
  // naming their row's anchor, never a change to the string every visitor gets.
  const user = await getCurrentUser();
  const team = user ? await getUserTeam({ db: getDb(), userId: user.id }) : null;
  const standing = user ? findCompetitorStanding({ cached, query, userId: user.id, teamId: team?.id }) : null;

  return (
    <div className="space-y-8">
      <PageIntro title="Leaderboard">
        <TrackSwitch current="attributes" />
        <PhaseStatusLine phase={lb.phase} privateRevealed={lb.privateRevealed} none="Open-ended challenge: public scores only." />
        <PhaseSelector lb={lb} />
        <p className="max-w-3xl text-sm text-stone-700">
          One line per participant, or per team: their best {lb.board} score (the mean of the three macro-F1s). Ties go to whoever submitted
          first. Organizer baselines are shown for reference and take no rank.{" "}
          {lb.board === "public"
            ? "Public scores use half of the hidden test images; the other half decides the private leaderboard at the end."
            : "Private scores come from each participant's or team's final selections, or their two best public entries if they chose none."}
        </p>
        <LeaderboardNotice notice={notice} />
      </PageIntro>

      {lb.privateRevealed && (
        <BoardTabs current={lb.board} hrefFor={(board) => leaderboardHref({ ...DEFAULT_QUERY, board, phase: query.phase })} />
      )}

      <section aria-labelledby="board-title" className="space-y-3">
        <BoardHeading id="board-title" title={lb.board === "public" ? "Public leaderboard" : "Private leaderboard"} apiQuery={apiQuery} />
        {lb.rows.length === 0 ? (
          <p className="rounded border border-stone-200 bg-white p-4 text-sm text-stone-700" data-testid="leaderboard-empty">
            No scored submissions yet. Be the first!
          </p>
        ) : (
          <>
            {user && <WhereYouStand standing={standing} query={query} />}
            <ColumnPicker columns={OPTIONAL_COLUMNS.filter((c) => c.key !== "publicMain" || lb.board === "private")} />
            <div dangerouslySetInnerHTML={{ __html: tableHtml }} />
            <p className="text-xs text-stone-500">
              {formatBoardCount(page.participantCount)}. Entries: scored submissions plus those refused because of the file (failures on our
              side are not counted).{" "}
              {lb.board === "public" ? "Rank change: since 24 hours ago." : "Rank change: private rank against public rank."} Updated{" "}
              {formatUtc(lb.generatedAt)}.
            </p>
            {page.pageCount > 1 && <Pager query={query} page={page.page} pageCount={page.pageCount} />}
          </>
        )}
      </section>

      {lb.series.participants.length > 0 && (
        <PageSection id="chart-title" title="Best public score over time" className="space-y-2">
          <figure className="rounded border border-stone-200 bg-white p-3">
            <ScoreChart series={lb.series} />
            <figcaption className="mt-2 text-xs text-stone-600">
              The best public score so far of the top {lb.series.participants.length} on the board
              {lb.series.baselines.length > 0 && "; dashed lines are the baselines"}. Leader: {lb.series.participants[0].name} with{" "}
              {formatScore(lb.series.participants[0].points.at(-1)?.score)}.
            </figcaption>
          </figure>
        </PageSection>
      )}
    </div>
  );
}

function WhereYouStand({ standing, query }: { standing: CompetitorStanding | null; query: LeaderboardQuery }) {
  if (!standing) {
    return (
      <p className="text-sm text-stone-600" data-testid="where-you-stand">
        You are not on this board yet: your best scored submission will show here.
      </p>
    );
  }
  const anchor = rowAnchor(standing.rank);
  // The rank is a number and the anchor a fixed pattern: nothing from a user reaches this CSS.
  const css =
    `#${anchor}>*{background:#fef3c7 !important}` +
    `#${anchor}>.lb-c1{box-shadow:inset 4px 0 0 #d97706}` +
    `#${anchor} .lb-who::after{content:"${standing.team ? "your team" : "you"}";flex:none;border-radius:.25rem;background:#92400e;color:#fff;padding:0 .375rem;font-size:10px;font-weight:600;text-transform:uppercase}`;
  return (
    <>
      <style>{css}</style>
      <p
        className="flex flex-wrap items-center gap-x-3 gap-y-1 rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm"
        data-testid="where-you-stand"
      >
        {standing.team ? (
          <span>
            Your team <strong className="break-words">{standing.team.name}</strong> is <strong>rank {standing.rank}</strong> of{" "}
            {standing.participantCount} on the board
            {standing.main !== null && <> with {formatScore(standing.main)}</>}.
          </span>
        ) : (
          <span>
            You are <strong>rank {standing.rank}</strong> of {standing.participantCount} on the board
            {standing.main !== null && <> with {formatScore(standing.main)}</>}.
          </span>
        )}
        <a
          href={`${leaderboardHref({ ...query, page: standing.page })}#${anchor}`}
          className="inline-flex min-h-6 items-center font-medium underline hover:text-stone-900"
          data-testid="jump-to-me"
        >
          {standing.team ? "Jump to my team's row" : "Jump to my row"}
          {standing.page > 1 ? ` (page ${standing.page})` : ""}
        </a>
      </p>
    </>
  );
}

/** One link per phase (each has its own board); the one shown is marked. Nothing with a single phase. */
function PhaseSelector({ lb }: { lb: LeaderboardWithSeries }) {
  // The generation track's phases have their own board (?track=generation).
  const phases = lb.phases.filter((p) => p.track !== "generation");
  if (phases.length < 2) return null;
  const shownId = lb.phase?.id;
  return (
    <nav aria-label="Phases" className="flex flex-wrap gap-2 text-sm" data-testid="phase-selector">
      {phases.map((p) => (
        <Link
          key={p.id}
          // The current phase's board is the plain URL, so links and caches share it.
          href={leaderboardHref({ ...DEFAULT_QUERY, board: "public", phase: p.isCurrent ? undefined : p.id })}
          aria-current={p.id === shownId ? "page" : undefined}
          className={`rounded border px-3 py-1 ${p.id === shownId ? "border-stone-900 bg-stone-900 text-white" : "border-stone-300 bg-white hover:bg-stone-100"}`}
        >
          {p.name}
          <span className={`ml-1 text-xs ${p.id === shownId ? "text-stone-300" : "text-stone-500"}`}>
            {p.isCurrent ? "current" : p.status}
          </span>
        </Link>
      ))}
    </nav>
  );
}

function Pager({ query, page, pageCount }: { query: LeaderboardQuery; page: number; pageCount: number }) {
  return (
    <nav aria-label="Leaderboard pages" className="flex flex-wrap items-center gap-2 text-sm">
      {page > 1 && (
        <Link
          className="rounded border border-stone-300 bg-white px-3 py-1 hover:bg-stone-100"
          href={leaderboardHref({ ...query, page: page - 1 })}
        >
          ← Previous
        </Link>
      )}
      <span className="text-stone-600">
        Page {page} of {pageCount}
      </span>
      {page < pageCount && (
        <Link
          className="rounded border border-stone-300 bg-white px-3 py-1 hover:bg-stone-100"
          href={leaderboardHref({ ...query, page: page + 1 })}
        >
          Next →
        </Link>
      )}
    </nav>
  );
}
