import type { Db, DbTransaction, Phase } from "../db/client";
import { findRunningPhase } from "./find-running-phase";
import { parseAcceptedKinds } from "./phase-input";

/**
 * The running phase when it accepts models only, else null. While it runs the test images are
 * not downloadable (lib/downloads): participants cannot see them, so they cannot look their
 * labels up in the public CelebA annotations or build a model that recognises them; the
 * sandbox reads the scorer's own copy (DATA_DIR/.../cache), not the public archive.
 */
export async function findModelOnlyPhase(options: { db: Db | DbTransaction; now?: Date }): Promise<Phase | null> {
  const phase = await findRunningPhase({ db: options.db, now: options.now ?? new Date() });
  if (!phase) return null;
  const kinds = parseAcceptedKinds(phase.acceptedKinds);
  return kinds.length === 1 && kinds[0] === "model" ? phase : null;
}
