import type { Db } from "../db/client";
import { formatUtc } from "../phases/format-phase-time";
import { phaseStatusAt, type PhaseStatus } from "../phases/phase-status";
import { generationTrack } from "../tracks/generation-track";
import { parseGenerationSettings } from "./generation-settings";

export interface GenerationPhaseNetwork {
  id: string;
  name: string;
  status: PhaseStatus;
  window: string;
  sampleCount: number;
  /** The feature network that scores the phase: its pinned one, else (as the scorer does) the newest registered for the current dataset. */
  featureNetwork: { sha256: string; pinned: boolean; dimensions: number | null } | null;
}

/**
 * Every generation phase with the feature network its entries are scored in, for the challenge
 * page: the pinned SHA-256 (Phase.settings.featureNetworkSha256), or the one the scorer would
 * pick for an unpinned phase (lib/generation/load-feature-network.ts: the newest for the
 * dataset). A phase whose settings no longer validate shows no network rather than failing.
 */
export async function listGenerationPhaseNetworks(options: { db: Db; now?: Date }): Promise<GenerationPhaseNetwork[]> {
  const { db } = options;
  const now = options.now ?? new Date();
  const [phases, dataset] = await Promise.all([
    db.phase.findMany({ where: { track: generationTrack.id }, orderBy: { startsAt: "asc" } }),
    db.dataset.findFirst({ where: { isCurrent: true }, select: { id: true } }),
  ]);
  const newest = await db.featureNetwork.findFirst({
    where: dataset ? { datasetId: dataset.id } : {},
    orderBy: { createdAt: "desc" },
    select: { sha256: true, dimensions: true },
  });
  const pinnedShas = phases.flatMap((p) => {
    try {
      const sha = parseGenerationSettings(p.settings).featureNetworkSha256;
      return sha ? [sha] : [];
    } catch {
      return [];
    }
  });
  const pinnedRows = await db.featureNetwork.findMany({
    where: { sha256: { in: pinnedShas } },
    select: { sha256: true, dimensions: true },
  });
  return phases.map((p) => {
    let sampleCount = 0;
    let pinned: string | undefined;
    try {
      const settings = parseGenerationSettings(p.settings);
      sampleCount = settings.sampleCount;
      pinned = settings.featureNetworkSha256;
    } catch {
      return { id: p.id, name: p.name, status: phaseStatusAt({ phase: p, now }), window: windowOf(p), sampleCount, featureNetwork: null };
    }
    const featureNetwork = pinned
      ? { sha256: pinned, pinned: true, dimensions: pinnedRows.find((r) => r.sha256 === pinned)?.dimensions ?? null }
      : newest
        ? { sha256: newest.sha256, pinned: false, dimensions: newest.dimensions }
        : null;
    return { id: p.id, name: p.name, status: phaseStatusAt({ phase: p, now }), window: windowOf(p), sampleCount, featureNetwork };
  });
}

function windowOf(p: { startsAt: Date; endsAt: Date }): string {
  return `${formatUtc(p.startsAt)} – ${formatUtc(p.endsAt)}`;
}
