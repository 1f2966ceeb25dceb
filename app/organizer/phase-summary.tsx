import { formatDuration, formatUtc } from "@/lib/phases/format-phase-time";
import type { PhaseTimelineEntry } from "@/lib/phases/get-phase-timeline";

/** A phase's name, status, time left, badges and dates: the heading of each phase on the dashboard and the phases page. */
export function PhaseSummary({ phase: p, showTrack = false }: { phase: PhaseTimelineEntry; showTrack?: boolean }) {
  return (
    <>
      <h3 className="text-sm font-medium text-stone-700">
        {p.name} · {showTrack && <span className="font-normal">{p.track} · </span>}
        <span className="font-normal">{p.status}</span>
        {p.status !== "ended" && (
          <span className="font-normal text-stone-500">
            {" "}
            ({p.status === "upcoming" ? "starts in" : "ends in"} {formatDuration(p.msRemaining)})
          </span>
        )}
        {p.isCurrent && <span className="ml-2 rounded bg-teal-100 px-1.5 text-xs text-teal-800">current</span>}
        {p.privateRevealed && <span className="ml-2 rounded bg-amber-100 px-1.5 text-xs text-amber-900">private leaderboard revealed</span>}
      </h3>
      <p className="text-xs text-stone-500">
        {formatUtc(p.startsAt)} – {formatUtc(p.endsAt)}
      </p>
    </>
  );
}
