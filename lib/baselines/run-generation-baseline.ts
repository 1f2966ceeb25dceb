import type { Db, Phase } from "../db/client";
import { findRunningPhase } from "../phases/find-running-phase";
import type { BlobStore } from "../storage/blob-store";
import type {
  GenerationBaselineArtifact,
  GenerationBaselineDefinition,
  GenerationBaselineRunOptions,
} from "./generation-baseline-definitions";
import { submitBaseline, type SubmitBaselineResult } from "./submit-baseline";
import { encodeGeneratorZip } from "./encode-generator-zip";

export const GENERATION_TRACK = "generation" as const;

export type RunGenerationBaselineResult =
  ({ status: "submitted"; artifact: GenerationBaselineArtifact } & SubmitBaselineResult) | { status: "no-phase" };

/**
 * Trains one generation baseline and submits it (a generator zip: manifest.json + model.onnx)
 * as the baseline owner's entry to the generation track, through the normal upload path (same
 * checks, same queue: the score-generation job). A generation baseline needs a generation phase
 * running (it is where the upload goes, and its settings say how it is scored): without one,
 * nothing is trained and the result says so.
 */
export async function runGenerationBaseline(
  options: GenerationBaselineRunOptions & {
    db: Db;
    baseline: GenerationBaselineDefinition;
    dataDir?: string;
    store?: BlobStore;
    now?: Date;
    /** The running generation phase when the caller already looked it up. */
    phase?: Phase;
    onArtifact?: (artifact: GenerationBaselineArtifact, zip: Uint8Array) => void;
  },
): Promise<RunGenerationBaselineResult> {
  const { db, baseline } = options;
  const phase = options.phase ?? (await findRunningPhase({ db, track: GENERATION_TRACK, now: options.now ?? new Date() }));
  if (!phase) return { status: "no-phase" };
  const artifact = await baseline.run(options);
  const zip = await encodeGeneratorZip({ onnx: artifact.onnx, manifest: artifact.manifest });
  options.onArtifact?.(artifact, zip);
  const result = await submitBaseline({
    db,
    name: baseline.name,
    title: baseline.title,
    description: baseline.description,
    kind: "generator",
    track: GENERATION_TRACK,
    fileName: `${baseline.name}.zip`,
    bytes: zip,
    submissionDescription: `${baseline.title}: ${artifact.summary}; trained in ${artifact.trainSeconds.toFixed(1)} s`,
    dataDir: options.dataDir,
    store: options.store,
  });
  return { status: "submitted", artifact, ...result };
}
