import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { generationSettingsSchema, type GenerationSettings } from "./generation-settings";

/**
 * Pins a registered feature network to a generation phase (Phase.settings.featureNetworkSha256),
 * keeping the phase's other settings. Refused, with nothing changed, for an unknown phase or
 * network, a phase of another track, or settings that no longer validate.
 */
export async function pinFeatureNetwork(options: { db: Db; phaseId: string; sha256: string }): Promise<GenerationSettings> {
  const { db, phaseId, sha256 } = options;
  const network = await db.featureNetwork.findUnique({ where: { sha256 } });
  if (!network) throw new AppError("not-found", { user: `No feature network with SHA-256 ${sha256} is registered.` });
  const phase = await db.phase.findUnique({ where: { id: phaseId } });
  if (!phase) throw new AppError("not-found", { user: `No phase with id ${phaseId}.` });
  if (phase.track !== "generation")
    throw new AppError("validation", {
      user: `Phase "${phase.name}" belongs to the ${phase.track} track; only generation phases use a feature network.`,
    });
  const current = phase.settings && typeof phase.settings === "object" ? (phase.settings as Record<string, unknown>) : {};
  const parsed = generationSettingsSchema.safeParse({ ...current, featureNetworkSha256: sha256 });
  if (!parsed.success)
    throw new AppError("validation", {
      user: `Phase "${phase.name}" has generation settings that do not validate: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    });
  await db.phase.update({ where: { id: phaseId }, data: { settings: parsed.data as object } });
  return parsed.data;
}
