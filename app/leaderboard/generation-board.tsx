import Link from "next/link";
import { getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/errors/app-error";
import { parseGenerationBoardKind } from "@/lib/leaderboard/export-generation-board";
import { loadGenerationBoard, type GenerationBoard, type GenerationBoardKind } from "@/lib/leaderboard/load-generation-board";
import { generationTrack } from "@/lib/tracks/generation-track";
import { PageIntro } from "../page-intro";
import { BoardHeading, BoardTabs, LeaderboardNotice, PhaseStatusLine } from "./board-header";
import { formatGenerationValue } from "../submissions/[id]/generation-result";
import { formatBoardCount, formatUtc } from "./leaderboard-format";

type SearchParams = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** The board's URL: `/leaderboard?track=generation` plus the board and phase when not the defaults. */
function generationHref(options: { board?: GenerationBoardKind; phase?: string }, base = "/leaderboard"): string {
  const p = new URLSearchParams({ track: "generation" });
  if (options.board === "private") p.set("board", "private");
  if (options.phase) p.set("phase", options.phase);
  return `${base}?${p}`;
}

/** Attributes (the default board) or generation: one link each, the shown one marked. */
export function TrackSwitch({ current }: { current: "attributes" | "generation" }) {
  const tracks = [
    { id: "attributes", title: "Attributes", href: "/leaderboard" },
    { id: "generation", title: "Generation", href: generationHref({}) },
  ] as const;
  return (
    <nav aria-label="Tracks" className="flex flex-wrap gap-2 text-sm" data-testid="track-switch">
      {tracks.map((t) => (
        <Link
          key={t.id}
          href={t.href}
          aria-current={t.id === current ? "page" : undefined}
          className={`rounded-full border px-3 py-1 font-medium ${t.id === current ? "border-teal-700 bg-teal-700 text-white" : "border-stone-300 bg-white text-stone-700 hover:bg-stone-100"}`}
        >
          {t.title} track
        </Link>
      ))}
    </nav>
  );
}

/**
 * /leaderboard?track=generation: the generation track's board (lib/leaderboard/load-generation-board.ts),
 * lower main score first, with the track's own columns. Rank, name and score stay in view on a
 * phone (the first columns are sticky; the other metrics scroll sideways).
 */
export async function GenerationBoardPage({ params }: { params: SearchParams }) {
  let notice: string | undefined;
  let boardKind: GenerationBoardKind = "public";
  try {
    boardKind = parseGenerationBoardKind(first(params.board));
  } catch (error) {
    if (!isAppError(error)) throw error;
    notice = `${error.userMessage} Showing the public board.`;
  }
  const phaseId = first(params.phase);
  let board: GenerationBoard;
  try {
    board = await loadGenerationBoard({ db: getDb(), board: boardKind, phaseId });
  } catch (error) {
    if (!isAppError(error) || (error.code !== "not-found" && error.code !== "forbidden")) throw error;
    notice = `${error.userMessage} Showing the current phase's public board.`;
    board = await loadGenerationBoard({ db: getDb() });
  }
  const shownPhase = board.phase?.id;
  const apiQuery = generationHref({ board: board.board, phase: phaseId && shownPhase === phaseId ? phaseId : undefined }, "");
  const metrics = generationTrack.metrics.filter((m) => m.key !== "main");
  return (
    <div className="space-y-8">
      <PageIntro title="Leaderboard">
        <TrackSwitch current="generation" />
        <PhaseStatusLine phase={board.phase} privateRevealed={board.privateRevealed} none="No generation phase has been scheduled yet." />
        {board.phases.length > 1 && (
          <nav aria-label="Generation phases" className="flex flex-wrap gap-2 text-sm">
            {board.phases.map((p) => (
              <Link
                key={p.id}
                href={generationHref({ phase: p.isCurrent ? undefined : p.id })}
                aria-current={p.id === shownPhase ? "page" : undefined}
                className={`rounded border px-3 py-1 ${p.id === shownPhase ? "border-stone-900 bg-stone-900 text-white" : "border-stone-300 bg-white hover:bg-stone-100"}`}
              >
                {p.name} <span className="text-xs opacity-70">{p.isCurrent ? "current" : p.status}</span>
              </Link>
            ))}
          </nav>
        )}
        <p className="max-w-3xl text-sm text-stone-700">
          One line per participant, or per team: their best {board.board} score, <strong>lower is better</strong> (Fréchet distance in the
          organizers&rsquo; feature network times the memorisation penalty). Ties go to whoever submitted first. Organizer baselines are
          shown for reference and take no rank; entries uploaded as images are flagged: they could be cherry-picked.
        </p>
        <LeaderboardNotice notice={notice} />
      </PageIntro>

      {board.privateRevealed && <BoardTabs current={board.board} hrefFor={(b) => generationHref({ board: b, phase: phaseId })} />}

      <section aria-labelledby="gen-board-title" className="space-y-3">
        <BoardHeading
          id="gen-board-title"
          title={`Generation: ${board.board === "public" ? "public leaderboard" : "private leaderboard"}`}
          apiQuery={apiQuery}
        />
        {board.rows.length === 0 ? (
          <p className="rounded border border-stone-200 bg-white p-4 text-sm text-stone-700" data-testid="leaderboard-empty">
            No scored generators yet. Be the first:{" "}
            <Link href="/submit?track=generation" className="underline">
              submit one
            </Link>
            .
          </p>
        ) : (
          <>
            <div className="relative overflow-x-auto rounded border border-stone-200 bg-white">
              <table className="min-w-full border-separate border-spacing-0 text-sm" data-testid="generation-board">
                <caption className="sr-only">Generation leaderboard, lower main score first</caption>
                <thead className="text-left text-xs text-stone-600">
                  <tr>
                    <th scope="col" className="sticky left-0 z-10 w-10 border-b border-stone-300 bg-white py-2 pl-2 pr-1">
                      Rank
                    </th>
                    <th scope="col" className="sticky left-10 z-10 border-b border-stone-300 bg-white px-2 py-2">
                      Participant
                    </th>
                    <th
                      scope="col"
                      className="border-b border-stone-300 px-2 py-2 text-right"
                      title={generationTrack.metrics[0].description}
                    >
                      Score <span aria-hidden="true">▲</span>
                      <span className="sr-only">, lower is better</span>
                    </th>
                    {metrics.map((m) => (
                      <th
                        key={m.key}
                        scope="col"
                        className="whitespace-nowrap border-b border-stone-300 px-2 py-2 text-right"
                        title={m.description}
                      >
                        {m.label}
                      </th>
                    ))}
                    <th scope="col" className="whitespace-nowrap border-b border-stone-300 px-2 py-2">
                      Best entry
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {board.rows.map((r, i) => (
                    <tr key={i} className={r.isBaseline ? "text-stone-600" : undefined} data-testid="generation-row">
                      <td className="sticky left-0 z-10 w-10 border-b border-stone-100 bg-white py-2 pl-2 pr-1 font-semibold tabular-nums">
                        {r.rank ?? <span className="text-stone-400">–</span>}
                      </td>
                      <th
                        scope="row"
                        className="sticky left-10 z-10 max-w-40 border-b border-stone-100 bg-white px-2 py-2 text-left font-medium sm:max-w-64"
                      >
                        <span className="block truncate" title={r.name}>
                          {r.name}
                        </span>
                        <span className="flex flex-wrap gap-1">
                          {r.isBaseline && (
                            <span className="rounded bg-stone-200 px-1.5 text-[10px] font-semibold uppercase text-stone-700">baseline</span>
                          )}
                          {r.flag && (
                            <span
                              className="rounded bg-amber-100 px-1.5 text-[10px] font-semibold uppercase text-amber-900"
                              title={r.flag}
                              data-testid="images-flag"
                            >
                              images: could be cherry-picked
                            </span>
                          )}
                          {r.memorised && (
                            <span className="rounded bg-red-100 px-1.5 text-[10px] font-semibold uppercase text-red-800">memorised</span>
                          )}
                        </span>
                      </th>
                      <td className="border-b border-stone-100 px-2 py-2 text-right font-mono font-semibold tabular-nums">
                        {formatGenerationValue(r.main)}
                      </td>
                      {metrics.map((m) => (
                        <td key={m.key} className="border-b border-stone-100 px-2 py-2 text-right font-mono tabular-nums">
                          {formatGenerationValue(r.metrics[m.key])}
                        </td>
                      ))}
                      <td className="whitespace-nowrap border-b border-stone-100 px-2 py-2 text-stone-600">
                        <time dateTime={r.submittedAt.toISOString()}>{formatUtc(r.submittedAt)}</time>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="text-xs text-stone-500">
              {formatBoardCount(board.rows.filter((r) => !r.isBaseline).length)}. Hover a column heading for its meaning; the{" "}
              <Link href="/#generation-track" className="underline">
                challenge page
              </Link>{" "}
              explains the score. Updated {formatUtc(board.generatedAt)}.
            </p>
          </>
        )}
      </section>
    </div>
  );
}
