import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PreparedDataset } from "@/lib/dataset/read-prepared-dataset";
import { closeDb, getDb } from "@/lib/db/client";
import { engineOf, sqliteFilePath } from "@/lib/db/engine";
import { migrateDatabase } from "@/lib/db/migrate-database";
import type { Env } from "@/lib/env";
import { readFeatureNetworkBundle } from "@/lib/generation/feature-network-bundle";
import { generationSettingsSchema } from "@/lib/generation/generation-settings";
import { loadFeatureNetwork } from "@/lib/generation/load-feature-network";
import { getBlobStore } from "@/lib/storage/get-blob-store";
import { uploadsDir } from "@/lib/storage/local-disk-blob-store";
import { scoreGenerationFile } from "@/scorer/handlers/score-generation-file";
import { sandboxMaskPaths } from "@/scorer/handlers/score-model";

export interface GenerationCliOptions {
  model?: string;
  manifest?: string;
  images?: string;
  count?: number;
  seed?: number;
  featureNetwork?: string;
  threads: number;
}

export class GenerationRefusedError extends Error {}

/**
 * `npm run score -- --track generation --model FILE [--manifest M]` or `--images ZIP_OR_FOLDER`:
 * scores a generator or a set of images like the queue would (same checks, same sandbox, same
 * metrics) against the current prepared dataset. The feature network is `--feature-network`
 * (a bundle file or a registered SHA-256), else the newest one registered for the dataset.
 *
 * stdout: JSON whose top level is the public part's score (main, higherIsBetter, fpd, kid,
 * precision, recall, density, coverage, nearCopyShare, memorised, ...), with both parts in full
 * under `public` and `private`.
 */
export async function runGenerationCli(options: {
  opts: GenerationCliOptions;
  config: Env;
  dataset: PreparedDataset;
  say: (msg: string) => void;
}): Promise<Record<string, unknown>> {
  const { opts, config, dataset, say } = options;
  if (!!opts.model === !!opts.images)
    throw new GenerationRefusedError("give either --model FILE or --images ZIP_OR_FOLDER with --track generation");
  const settings = generationSettingsSchema.parse({ sampleCount: opts.count, seed: opts.seed });
  const featureNetwork = await resolveFeatureNetwork(opts.featureNetwork, config, dataset);
  const url = config.databaseUrl;
  const maskPaths = await sandboxMaskPaths({
    candidates: [uploadsDir(config.dataDir), ...(engineOf(url) === "sqlite" ? [path.dirname(path.resolve(sqliteFilePath(url)))] : [])],
    needed: [os.tmpdir()],
  });
  const input = path.resolve((opts.model ?? opts.images)!);
  if (!fs.existsSync(input)) throw new GenerationRefusedError(`${opts.model ?? opts.images}: no such file or folder`);
  const result = await scoreGenerationFile({
    dataDir: config.dataDir,
    buildDir: dataset.buildDir,
    kind: opts.model ? "generator" : "images",
    file: input,
    manifestJson: opts.manifest ? fs.readFileSync(path.resolve(opts.manifest), "utf8") : undefined,
    featureNetwork,
    settings,
    limits: { threads: opts.threads },
    maskPaths,
    log: say,
  });
  if (!result.ok) {
    const tail = result.log.trim() ? `\n--- sandbox log (end) ---\n${result.log.trim().slice(-4000)}` : "";
    throw new GenerationRefusedError(
      `${opts.model ?? opts.images} ${result.reason === "bundle" || result.reason === "images" ? "was refused" : "failed"}: ${result.message}${tail}`,
    );
  }
  const s = result.score;
  say(
    `public main ${s.public.main.toFixed(4)} (fpd ${s.public.fpd.toFixed(4)}, penalty ${s.public.penalty.toFixed(2)}), private main ${s.private.main.toFixed(4)}; ${result.seconds.total.toFixed(1)} s`,
  );
  return {
    ...s.public,
    track: "generation",
    kind: opts.model ? "generator" : "images",
    file: input,
    buildId: dataset.buildId,
    featureNetwork: featureNetwork.sha256,
    samples: settings.sampleCount,
    seed: settings.seed,
    heldOutMeanMinCosine: s.heldOutMeanMinCosine,
    eps: s.eps,
    floor: s.floor,
    seconds: { ...result.seconds, features: s.seconds.features, metrics: s.seconds.metrics },
    ...(result.stats ? { stats: result.stats } : {}),
    public: s.public,
    private: s.private,
  };
}

async function resolveFeatureNetwork(given: string | undefined, config: Env, dataset: PreparedDataset) {
  if (given && fs.existsSync(given)) {
    const sha256 = createHash("sha256").update(fs.readFileSync(given)).digest("hex");
    return { sha256, bundle: await readFeatureNetworkBundle(path.resolve(given)) };
  }
  await migrateDatabase({ databaseUrl: config.databaseUrl });
  const db = getDb();
  try {
    const row = await db.dataset.findUnique({ where: { buildId: dataset.buildId } });
    return await loadFeatureNetwork({
      db,
      store: getBlobStore({ db, dataDir: config.dataDir }),
      sha256: given,
      datasetId: given ? undefined : row?.id,
    });
  } finally {
    await closeDb();
  }
}
