import type { PhaseTimeline } from "@/lib/phases/get-phase-timeline";
import { formatDuration, formatUtc } from "@/lib/phases/format-phase-time";

const KINDS_TEXT: Record<string, string> = { "csv,model": "predictions or models", csv: "predictions only", model: "models only" };

const STATUS_STYLE = {
  upcoming: "bg-sky-100 text-sky-800",
  running: "bg-teal-100 text-teal-800",
  ended: "bg-stone-200 text-stone-700",
} as const;

/** The phases with their dates (UTC) and time left, server-rendered at request time. */
export function PhaseTimelineList({ timeline }: { timeline: PhaseTimeline }) {
  if (timeline.phases.length === 0) {
    return <p className="text-sm text-stone-700">The organizers have not scheduled a phase yet.</p>;
  }
  return (
    <ol className="space-y-3" data-testid="phase-timeline">
      {timeline.phases.map((p) => (
        <li key={p.id} className={`rounded border bg-white p-3 ${p.isCurrent ? "border-teal-400" : "border-stone-200"}`}>
          <div className="flex flex-wrap items-center gap-2">
            <span className="font-medium">{p.name}</span>
            <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${STATUS_STYLE[p.status]}`}>{p.status}</span>
            {p.status === "running" && (
              <span className="text-sm text-stone-700" data-testid="time-left">
                ends in {formatDuration(p.msRemaining)}
              </span>
            )}
            {p.status === "upcoming" && <span className="text-sm text-stone-700">starts in {formatDuration(p.msRemaining)}</span>}
          </div>
          <p className="mt-1 text-sm text-stone-600">
            <time dateTime={p.startsAt.toISOString()}>{formatUtc(p.startsAt)}</time> &ndash;{" "}
            <time dateTime={p.endsAt.toISOString()}>{formatUtc(p.endsAt)}</time>
          </p>
          <p className="text-xs text-stone-500" data-testid="phase-rules">
            {p.dailyLimit === 0 ? "closed to submissions" : `${p.dailyLimit} submission${p.dailyLimit === 1 ? "" : "s"} per day`} &middot;{" "}
            {KINDS_TEXT[p.acceptedKinds.join(",")] ?? p.acceptedKinds.join(", ")} &middot; up to {p.maxFinal} final submission
            {p.maxFinal === 1 ? "" : "s"} &middot; {p.teamSizeCap === 1 ? "solo only" : `teams of up to ${p.teamSizeCap}`}
            {p.mergeDeadline ? ` (teams formed until ${formatUtc(p.mergeDeadline)})` : ""}
            {p.privateRevealed ? " · private leaderboard revealed" : ""}
          </p>
          {p.description && <p className="mt-1 whitespace-pre-line text-sm text-stone-700">{p.description}</p>}
        </li>
      ))}
    </ol>
  );
}
