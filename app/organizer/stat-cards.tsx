import type { OrganizerStats } from "@/lib/organizer/get-organizer-stats";
import { formatDuration } from "@/lib/phases/format-phase-time";

/** The dashboard's headline numbers; the queue ones turn amber when something needs a look. */
export function StatCards({ stats }: { stats: OrganizerStats }) {
  const cards: { label: string; value: string; warn?: boolean; hint?: string }[] = [
    {
      label: "Participants",
      value: stats.participants.toLocaleString("en"),
      hint: `${stats.organizers} organizer${stats.organizers === 1 ? "" : "s"}`,
    },
    {
      label: "Submissions today",
      value: stats.submissionsToday.toLocaleString("en"),
      hint: `${stats.submissionsTotal.toLocaleString("en")} in total`,
    },
    {
      label: "Jobs queued",
      value: String(stats.jobs.queued),
      hint: stats.oldestQueuedAgeMs === null ? "queue empty" : `oldest waits ${formatDuration(stats.oldestQueuedAgeMs)}`,
      warn: (stats.oldestQueuedAgeMs ?? 0) > 5 * 60_000,
    },
    {
      label: "Jobs running",
      value: String(stats.jobs.running),
      hint: stats.jobs.expiredLeases ? `${stats.jobs.expiredLeases} with an expired lease` : "all leases alive",
      warn: stats.jobs.expiredLeases > 0,
    },
    {
      label: "Jobs failed",
      value: String(stats.jobs.failed),
      hint: `${stats.jobs.failedLast24h} in the last 24 h`,
      warn: stats.jobs.failedLast24h > 0,
    },
    sandboxCard(stats.modelSandbox),
  ];
  return (
    <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6" data-testid="organizer-stats">
      {cards.map((c) => (
        <div key={c.label} className={`rounded border p-3 ${c.warn ? "border-amber-300 bg-amber-50" : "border-stone-200 bg-white"}`}>
          <dt className="text-xs font-medium text-stone-600">{c.label}</dt>
          <dd className="text-2xl font-semibold tabular-nums">{c.value}</dd>
          {c.hint && <dd className="text-xs text-stone-500">{c.hint}</dd>}
        </div>
      ))}
    </dl>
  );
}

/** How isolated model runs are: amber when the latest one ran with weaker walls (and why). */
function sandboxCard(sandbox: OrganizerStats["modelSandbox"]) {
  if (!sandbox) return { label: "Model sandbox", value: "-", hint: "no model scored yet" };
  const full = sandbox.isolation === "full";
  return {
    label: "Model sandbox",
    value: full ? "full" : "partial",
    hint: full ? "latest model run fully isolated" : sandbox.isolation.replace(/^partial: /, ""),
    warn: !full,
  };
}
