import { generationSettingsSchema, type GenerationSettings } from "../generation/generation-settings";
import type { TrackColumn, TrackDefinition, TrackMetric } from "./track-definition";

/**
 * Generate portraits: a generator model the platform samples N images from (fixed per-phase
 * latents, in the sandbox), or a zip of exactly N PNGs (flagged: nothing shows they came from a
 * model). Scored in the organizer's feature network (docs/generation-metrics.md): the main score
 * is FPD times the memorisation penalty, lower is better.
 */
const METRICS: readonly TrackMetric[] = [
  { key: "main", label: "Score", description: "FPD times the memorisation penalty (lower is better).", higherIsBetter: false },
  { key: "fpd", label: "FPD", description: "Fréchet distance to the hidden test images in the feature network.", higherIsBetter: false },
  { key: "kid", label: "KID", description: "Kernel inception-style distance (unbiased MMD², cubic kernel).", higherIsBetter: false },
  {
    key: "precision",
    label: "Precision",
    description: "Share of generated images inside the real manifold (fidelity).",
    higherIsBetter: true,
  },
  { key: "recall", label: "Recall", description: "Share of real images inside the generated manifold (diversity).", higherIsBetter: true },
  {
    key: "density",
    label: "Density",
    description: "Real neighbourhoods per generated image, over k (1 for real data).",
    higherIsBetter: true,
  },
  { key: "coverage", label: "Coverage", description: "Share of real images with a generated image nearby.", higherIsBetter: true },
  {
    key: "nearCopyShare",
    label: "Near copies",
    description: "Share of generated images closer to a train image than 99% of real ones.",
    higherIsBetter: false,
  },
  { key: "penalty", label: "Penalty", description: "Factor FPD was multiplied by for memorisation (1: none).", higherIsBetter: false },
  {
    // The score also holds `attributeFidelity` ({ gender, hairColor, hairType, mean }); this is its mean, flat for columns.
    key: "attributeFidelityMean",
    label: "Attribute fidelity",
    description:
      "Conditional generators: mean macro-F1 of the organizer's attribute classifier on the images against the requested attributes (empty for unconditional ones).",
    higherIsBetter: true,
  },
];

const COLUMNS: readonly TrackColumn[] = [
  { key: "rank", label: "Rank", description: "Official rank: lowest main score, ties to the earlier submission.", defaultDir: "asc" },
  ...METRICS.map(
    (m) => ({ key: m.key, label: m.label, description: m.description, defaultDir: m.higherIsBetter ? "desc" : "asc" }) as const,
  ),
];

export const generationTrack: TrackDefinition<GenerationSettings> = {
  id: "generation",
  title: "Generation",
  description:
    "Generate 84x108 portraits; ranked by Fréchet distance in the organizer's feature network, penalised for copying the train set.",
  kinds: [
    { kind: "generator", label: "Generator model (ONNX or tfjs-layers)", extensions: [".zip", ".onnx"], runsModel: true },
    {
      kind: "images",
      label: "Zip of generated PNGs",
      extensions: [".zip"],
      runsModel: false,
      flag: "uploaded images: could be cherry-picked, not verified to come from a model",
    },
  ],
  defaultKinds: ["generator", "images"],
  handler: "score-generation",
  mainMetric: "main",
  higherIsBetter: false,
  metrics: METRICS,
  columns: COLUMNS,
  settingsSchema: generationSettingsSchema,
};
