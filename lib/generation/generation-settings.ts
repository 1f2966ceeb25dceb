import { z } from "zod";

/** Images a generator produces per scoring run unless the phase says otherwise (the N). */
export const DEFAULT_GENERATION_SAMPLES = 10_000;
/** Fewer samples make FPD's finite-sample bias dominate and KID's 1,000-row subsets impossible. */
export const MIN_GENERATION_SAMPLES = 1_000;
/** 50,000 images are 1.4 GB of pixels on disk per run; beyond that the 2-minute budget breaks. */
export const MAX_GENERATION_SAMPLES = 50_000;

/**
 * Phase.settings of a generation phase. `featureNetworkSha256` pins the organizer's feature
 * network (FeatureNetwork.sha256, shown on the challenge page); `seed` fixes the latents every
 * submission of the phase gets (the same N images' worth of inputs for everyone); `eps` and
 * `floor` are the memorisation penalty's (combineGenerationScore), calibrated per feature network.
 */
export const generationSettingsSchema = z
  .object({
    featureNetworkSha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, "a lower-case hex SHA-256")
      .optional(),
    sampleCount: z.number().int().min(MIN_GENERATION_SAMPLES).max(MAX_GENERATION_SAMPLES).default(DEFAULT_GENERATION_SAMPLES),
    seed: z.number().int().min(0).max(0xffffffff).default(1),
    eps: z.number().positive().max(1).optional(),
    floor: z.number().positive().max(1).optional(),
  })
  .strict();

export type GenerationSettings = z.infer<typeof generationSettingsSchema>;

/** Phase.settings (JSON, possibly null) as generation settings, with the defaults filled in. */
export function parseGenerationSettings(json: unknown): GenerationSettings {
  return generationSettingsSchema.parse(json ?? {});
}
