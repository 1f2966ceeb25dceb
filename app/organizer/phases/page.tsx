import type { Metadata } from "next";
import { PageSection } from "../../page-section";
import { requirePageOrganizer } from "@/lib/auth/require-page-user";
import { getDb } from "@/lib/db/client";
import { formatUtcInput } from "@/lib/phases/format-phase-time";
import { getPhaseTimeline, type PhaseTimelineEntry } from "@/lib/phases/get-phase-timeline";
import { PhaseEditor, type PhaseEditorValues } from "../phase-editor";
import { PhaseSummary } from "../phase-summary";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Phases · Organizer", robots: { index: false } };

/** A phase's settings as the form shows them (times in the site's one UTC format). */
function editorValues(p: PhaseTimelineEntry): PhaseEditorValues {
  return {
    id: p.id,
    name: p.name,
    track: p.track === "generation" ? "generation" : "attributes",
    startsAt: formatUtcInput(p.startsAt),
    endsAt: formatUtcInput(p.endsAt),
    mergeDeadline: p.mergeDeadline ? formatUtcInput(p.mergeDeadline) : "",
    dailyLimit: p.dailyLimit,
    maxFinal: p.maxFinal,
    acceptedKinds: p.acceptedKinds,
    teamSizeCap: p.teamSizeCap,
    description: p.description,
    privateRevealed: p.privateRevealed,
    scoreVisibility: p.scoreVisibility === "ladder" ? "ladder" : "rounded",
    ladderStep: p.ladderStep,
  };
}

/** Organizer: every phase with its editor, and a form for a new one. Participants get a 404 (layout). */
export default async function OrganizerPhasesPage() {
  await requirePageOrganizer("/organizer/phases");
  const timeline = await getPhaseTimeline({ db: getDb() });
  const last = timeline.phases.at(-1);
  // The new-phase form starts where the last phase ends, for a week: the common case of adding the next one.
  // Rounded up to the second: the form shows whole seconds, and a start a fraction before the end would overlap.
  const start = last
    ? new Date(Math.ceil(last.endsAt.getTime() / 1000) * 1000)
    : new Date(Math.ceil(timeline.now.getTime() / 3_600_000) * 3_600_000);
  const blank: PhaseEditorValues = {
    name: "",
    track: "attributes",
    startsAt: formatUtcInput(start),
    endsAt: formatUtcInput(new Date(start.getTime() + 7 * 86_400_000)),
    mergeDeadline: "",
    dailyLimit: last?.dailyLimit || 5,
    maxFinal: last?.maxFinal ?? 2,
    acceptedKinds: ["csv", "model"],
    teamSizeCap: last?.teamSizeCap ?? 5,
    description: "",
    privateRevealed: false,
    scoreVisibility: "rounded",
    ladderStep: 0.0001,
  };
  return (
    <div className="space-y-10">
      <header className="space-y-1">
        <h1 className="text-3xl font-bold tracking-tight">Phases</h1>
        <p className="max-w-3xl text-sm text-stone-600">
          Times are UTC, typed as 2026-12-31 23:59:59. A submission belongs to the phase of its track running when it is uploaded, and that
          phase&rsquo;s daily limit, accepted kinds and final picks apply; phases of one track must not overlap. A phase with submissions
          cannot be deleted: shorten it instead. Every change is recorded in the audit trail.
        </p>
      </header>

      <PageSection id="existing-phases" title="Scheduled phases" className="space-y-6">
        {timeline.phases.length === 0 && <p className="text-sm text-stone-600">No phase yet: participants cannot submit until one runs.</p>}
        {timeline.phases.map((p) => (
          <div key={p.id} className="space-y-2" data-testid="phase-item">
            <PhaseSummary phase={p} showTrack />
            <PhaseEditor phase={editorValues(p)} />
          </div>
        ))}
      </PageSection>

      <PageSection id="new-phase" title="New phase">
        <PhaseEditor phase={blank} />
      </PageSection>
    </div>
  );
}
