import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { IMAGE_BYTES } from "@/lib/challenge/definition";
import { countTrainConditions } from "@/lib/generation/count-train-conditions";
import { drawGeneratorInputs } from "@/lib/generation/draw-generator-inputs";
import { createFeatureExtractor } from "@/lib/generation/extract-image-features";
import type { FeatureNetworkBundle } from "@/lib/generation/feature-network-bundle";
import type { GenerationSettings } from "@/lib/generation/generation-settings";
import { inspectGeneratorBundle } from "@/lib/generation/inspect-generator-bundle";
import { loadRealFeatures } from "@/lib/generation/load-real-features";
import { readGeneratedImages } from "@/lib/generation/read-generated-images";
import type { GridRow } from "@/lib/generation/read-generation-result";
import { GRID_SAMPLES_PER_CLASS, scoreGeneratedImages, type GeneratedImagesScore } from "@/lib/generation/score-generated-images";
import { runGeneratorInSandbox, type GenerateStats } from "@/scorer/sandbox/run-generator-in-sandbox";
import type { SandboxLimits } from "@/scorer/sandbox/run-model-in-sandbox";
import { sanitiseHostPaths } from "@/scorer/sandbox/sanitise-host-paths";
import { makeOwnedTempDir } from "@/scorer/sandbox/temp-folders";

export type ScoreGenerationFileResult =
  | {
      ok: true;
      score: GeneratedImagesScore;
      stats?: GenerateStats;
      /** A generator's format (Submission.modelFormat); absent for images. */
      modelFormat?: "onnx" | "tfjs-layers";
      log: string;
      seconds: { generate: number; total: number };
      /** The first `keepSamples` images' pixels (HWC RGB, one after another), when asked for: the gallery. */
      samples?: Uint8Array;
      /**
       * With `keepSamples`, for a conditional generator: the attribute grid's images, one row per
       * requested class (attribute order, then class order), GRID_SAMPLES_PER_CLASS cells per row
       * (HWC RGB, row-major; cells past a class's samples stay black).
       */
      grid?: { columns: number; rows: GridRow[]; pixels: Uint8Array };
    }
  | { ok: false; reason: string; message: string; log: string };

/**
 * One generation-track submission from file to metrics, shared by the queue's handler and
 * `npm run score -- --track generation`: a generator is checked, extracted and run in the
 * sandbox (N images from the phase's seed, streamed to a temp file), an images zip/folder is
 * checked and decoded to the same file; then the images are scored in the feature network
 * (real features cached per network and build). Participant faults come back as ok: false;
 * platform faults throw.
 */
export async function scoreGenerationFile(options: {
  dataDir: string;
  buildDir: string;
  kind: "generator" | "images";
  file: string;
  manifestJson?: string;
  featureNetwork: { sha256: string; bundle: FeatureNetworkBundle };
  settings: GenerationSettings;
  limits?: Partial<SandboxLimits>;
  maskPaths?: string[];
  tmpDir?: string;
  signal?: AbortSignal;
  log?: (message: string) => void;
  /** Return the first this many images' pixels (the submission page's gallery; the file itself is removed). */
  keepSamples?: number;
}): Promise<ScoreGenerationFileResult> {
  const started = performance.now();
  const { settings } = options;
  const count = settings.sampleCount;
  // The scorer's owned temp prefix: a worker killed mid-run has the folder removed at the next start.
  const work = await makeOwnedTempDir("tp-model-", options.tmpDir ?? os.tmpdir());
  try {
    const imagesFile = path.join(work, "images.u8");
    let stats: GenerateStats | undefined;
    let log = "";
    /** A conditional generator's requests, for attribute fidelity: the same draw the sandbox child made. */
    let requestedClasses: Uint8Array | undefined;
    let modelFormat: "onnx" | "tfjs-layers" | undefined;
    if (options.kind === "generator") {
      const inspected = await inspectGeneratorBundle({
        file: options.file,
        manifestJson: options.manifestJson,
        destDir: path.join(work, "bundle"),
      });
      if (!inspected.ok)
        return { ok: false, reason: "bundle", message: sanitiseHostPaths(inspected.errors.join("\n"), [{ path: work, as: "" }]), log: "" };
      const conditionProbabilities = inspected.manifest.condition ? await countTrainConditions({ buildDir: options.buildDir }) : undefined;
      const run = await runGeneratorInSandbox({
        bundleDir: inspected.dir!,
        outFile: imagesFile,
        count,
        seed: settings.seed,
        conditionProbabilities,
        limits: options.limits,
        maskPaths: options.maskPaths,
        signal: options.signal,
      });
      if (!run.ok) return { ok: false, reason: run.reason, message: run.message, log: run.log };
      stats = run.stats;
      log = run.log;
      modelFormat = inspected.manifest.format;
      if (conditionProbabilities)
        requestedClasses = drawGeneratorInputs({ seed: settings.seed, start: 0, count, conditionProbabilities }).classes;
      options.log?.(
        `generated ${count} images in ${stats.seconds.toFixed(1)} s (${Math.round(stats.imagesPerSecond)} images/s), isolation ${stats.isolation}`,
      );
    } else {
      const read = await readGeneratedImages({ input: options.file, count, outFile: imagesFile });
      if (!read.ok) return { ok: false, reason: "images", message: read.errors.join("\n"), log: "" };
    }
    const generateSeconds = (performance.now() - started) / 1000;
    let samples: Uint8Array | undefined;
    if (options.keepSamples) {
      samples = new Uint8Array(Math.min(options.keepSamples, count) * IMAGE_BYTES);
      const handle = await fsp.open(imagesFile, "r");
      try {
        await handle.read(samples, 0, samples.length, 0);
      } finally {
        await handle.close();
      }
    }
    const extractor = await createFeatureExtractor({ bundle: options.featureNetwork.bundle });
    try {
      const real = await loadRealFeatures({
        dataDir: options.dataDir,
        buildDir: options.buildDir,
        featureNetworkSha256: options.featureNetwork.sha256,
        extractor,
        log: options.log,
      });
      const score = await scoreGeneratedImages({
        imagesFile,
        count,
        extractor,
        real,
        eps: settings.eps,
        floor: settings.floor,
        seed: settings.seed,
        requestedClasses,
      });
      const grid =
        options.keepSamples && score.public.attributeGrid ? await readGridImages(imagesFile, score.public.attributeGrid) : undefined;
      return {
        ok: true,
        score,
        grid,
        stats,
        modelFormat,
        log,
        seconds: { generate: generateSeconds, total: (performance.now() - started) / 1000 },
        samples,
      };
    } finally {
      await extractor.close();
    }
  } finally {
    await fsp.rm(work, { recursive: true, force: true });
  }
}

/** The attribute grid's images from the generated images file (the grid's indices are all < N). */
async function readGridImages(
  imagesFile: string,
  attributeGrid: Record<string, Record<string, number[]>>,
): Promise<{ columns: number; rows: GridRow[]; pixels: Uint8Array }> {
  const columns = GRID_SAMPLES_PER_CLASS;
  const rows: GridRow[] = Object.entries(attributeGrid).flatMap(([attribute, classes]) =>
    Object.entries(classes).map(([value, indices]) => ({ attribute, value, indices: indices.slice(0, columns) })),
  );
  const pixels = new Uint8Array(rows.length * columns * IMAGE_BYTES);
  const handle = await fsp.open(imagesFile, "r");
  try {
    for (const [r, row] of rows.entries())
      for (const [c, index] of row.indices.entries()) {
        const at = (r * columns + c) * IMAGE_BYTES;
        const { bytesRead } = await handle.read(pixels, at, IMAGE_BYTES, index * IMAGE_BYTES);
        if (bytesRead !== IMAGE_BYTES) throw new Error(`attribute grid: image ${index} is past the end of the generated images`);
      }
  } finally {
    await handle.close();
  }
  return { columns, rows, pixels };
}
