import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Db } from "../db/client";
import type { BlobStore } from "../storage/blob-store";
import { registerFeatureNetwork } from "./register-feature-network";
import { trainFeatureNetwork } from "./train-feature-network";

/**
 * Makes sure the dataset has a feature network to score generators with: when none is
 * registered for `datasetId`, trains one (train-feature-network.ts, the cnn baseline's CNN for
 * a couple of epochs: minutes on two cores) and registers it. `npm run baselines` calls it before
 * submitting generation baselines, so a fresh instance (npm start's background trainer) can score them.
 */
export async function ensureFeatureNetwork(options: {
  db: Db;
  store: BlobStore;
  datasetId: string;
  cacheDir: string;
  epochs?: number;
  log?: (msg: string) => void;
}): Promise<{ status: "present" | "trained"; sha256: string }> {
  const { db } = options;
  const existing = await db.featureNetwork.findFirst({ where: { datasetId: options.datasetId }, orderBy: { createdAt: "desc" } });
  if (existing) return { status: "present", sha256: existing.sha256 };
  options.log?.("no feature network is registered for this dataset: training one (the generation track scores with it)");
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "tp-feature-network-"));
  try {
    const trained = await trainFeatureNetwork({
      cacheDir: options.cacheDir,
      outDir,
      epochs: options.epochs,
      onEpoch: (e) =>
        options.log?.(
          `feature network: epoch ${e.epoch}/${e.epochs} loss ${e.loss.toFixed(4)}, held-out main ${e.validation.main.toFixed(4)}`,
        ),
    });
    const registered = await registerFeatureNetwork({
      db,
      store: options.store,
      file: trained.file,
      datasetId: options.datasetId,
      description: "trained on start-up for the generation baselines (npm run baselines)",
      metrics: trained.metrics,
    });
    options.log?.(`feature network ${registered.sha256} registered (${trained.dimensions} dimensions)`);
    return { status: "trained", sha256: registered.sha256 };
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}
