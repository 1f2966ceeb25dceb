import Link from "next/link";
import { formatUtc as formatPhaseTime } from "@/lib/phases/format-phase-time";

type BoardKind = "public" | "private";

/** "Phase <name>: running until …" and whether the private board is out; `none` where there is no phase. */
export function PhaseStatusLine({
  phase,
  privateRevealed,
  none,
}: {
  phase: { name: string; status: string; startsAt: Date; endsAt: Date } | null | undefined;
  privateRevealed: boolean;
  none: string;
}) {
  if (!phase) return <p className="text-sm text-stone-600">{none}</p>;
  const status =
    phase.status === "running"
      ? `running until ${formatPhaseTime(phase.endsAt)}`
      : phase.status === "ended"
        ? `ended ${formatPhaseTime(phase.endsAt)}`
        : `starts ${formatPhaseTime(phase.startsAt)}`;
  return (
    <p className="text-sm text-stone-600" data-testid="phase-line">
      Phase <strong>{phase.name}</strong>: {status}.{" "}
      {privateRevealed ? "The private leaderboard is revealed." : "The private leaderboard is revealed when the phase ends."}
    </p>
  );
}

/** Why the board shown is not the one asked for (a bad query falls back to a default board). */
export function LeaderboardNotice({ notice }: { notice: string | null | undefined }) {
  if (!notice) return null;
  return (
    <p role="status" className="rounded border border-amber-300 bg-amber-50 p-3 text-sm" data-testid="leaderboard-notice">
      {notice}
    </p>
  );
}

/** The Public / Private (final) tabs, once the private board is revealed. */
export function BoardTabs({ current, hrefFor }: { current: BoardKind; hrefFor: (board: BoardKind) => string }) {
  return (
    <nav aria-label="Leaderboard" className="flex gap-2 border-b border-stone-200 text-sm">
      {(["public", "private"] as const).map((b) => (
        <Link
          key={b}
          href={hrefFor(b)}
          aria-current={current === b ? "page" : undefined}
          className={`-mb-px rounded-t border px-4 py-2 ${current === b ? "border-stone-200 border-b-white bg-white font-semibold" : "border-transparent text-stone-600 hover:text-stone-900"}`}
        >
          {b === "public" ? "Public" : "Private (final)"}
        </Link>
      ))}
    </nav>
  );
}

/** The board's heading with its JSON and CSV links (`apiQuery`: the board's query string, "" or "?..."). */
export function BoardHeading({ id, title, apiQuery }: { id: string; title: string; apiQuery: string }) {
  return (
    <div className="flex flex-wrap items-baseline justify-between gap-2">
      <h2 id={id} className="text-xl font-semibold">
        {title}
      </h2>
      <p className="text-sm text-stone-600">
        <a className="underline hover:text-stone-900" href={`/api/leaderboard${apiQuery}`}>
          JSON
        </a>
        {" · "}
        <a className="underline hover:text-stone-900" href={`/api/leaderboard/csv${apiQuery}`} download>
          Download CSV
        </a>
      </p>
    </div>
  );
}
