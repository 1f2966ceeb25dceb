import type { Db, Phase } from "../db/client";
import type { SubmissionKind } from "../db/enums";
import { AppError } from "../errors/app-error";
import { formatUtc } from "./format-phase-time";
import { DEFAULT_TRACK, parseAcceptedKinds } from "./phase-input";

const KIND_NAMES: Record<SubmissionKind, string> = {
  csv: "predictions CSVs",
  model: "models",
  generator: "generator models",
  images: "zips of generated images",
};
const KIND_NAME: Record<SubmissionKind, string> = {
  csv: "predictions CSV",
  model: "model",
  generator: "generator model",
  images: "zip of generated images",
};

/**
 * A participant's upload must belong to a phase that takes it, checked before the file is read
 * (nothing is stored when refused):
 * - a phase of the track is running (else "conflict", saying when the next one opens, if any);
 * - its daily limit is not 0 (organizers closed it: "conflict");
 * - it accepts this kind (else "validation" on the field kind, naming the accepted kinds).
 * Returns the phase, which the submission is then tagged with.
 */
export async function assertPhaseOpen(options: {
  db: Db;
  phase: Phase | null;
  kind: SubmissionKind;
  track?: string;
  now: Date;
}): Promise<Phase> {
  const { phase, kind, now } = options;
  if (!phase) {
    const next = await options.db.phase.findFirst({
      where: { track: options.track ?? DEFAULT_TRACK, startsAt: { gt: now } },
      orderBy: { startsAt: "asc" },
      select: { name: true, startsAt: true },
    });
    throw new AppError("conflict", {
      user: next
        ? `No phase is open for submissions right now. The next one, "${next.name}", opens on ${formatUtc(next.startsAt)}.`
        : "No phase is open for submissions right now, and none is scheduled.",
      internal: `no running phase at ${now.toISOString()}`,
    });
  }
  if (phase.dailyLimit === 0) {
    throw new AppError("conflict", {
      user: `Submissions are closed in "${phase.name}" for now: the organizers set its daily limit to 0.`,
      internal: `phase ${phase.id} has dailyLimit 0`,
    });
  }
  const accepted = parseAcceptedKinds(phase.acceptedKinds);
  if (!accepted.includes(kind)) {
    const names = accepted.map((k) => KIND_NAMES[k]).join(" and ");
    throw new AppError("validation", {
      user: `"${phase.name}" accepts only ${names || "nothing"}: this ${KIND_NAME[kind]} was not accepted. Nothing was stored.`,
      details: [{ field: "kind", message: `this phase accepts: ${accepted.join(", ") || "none"}` }],
    });
  }
  return phase;
}
