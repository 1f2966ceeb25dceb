import type { Db } from "../db/client";
import { prepareDataset, type PrepareStage } from "../dataset/prepare-dataset";
import { registerDataset } from "../dataset-records/register-dataset";
import { currentDatasetHasSubmissions } from "../dataset-records/current-dataset-has-submissions";
import { getSplitSeed } from "./split-seed";

/**
 * The organizer's "prepare" as one operation: prepare the files (which refuses to replace
 * a dataset with submissions unless forced), then record the new build as current in the
 * database. The CLI and `npm start` both come through here.
 */
export async function prepareAndRegisterDataset(options: {
  db: Db;
  dataDir: string;
  sourceDir: string;
  splitSeedOverride?: string;
  force?: boolean;
  skipBadRows?: boolean;
  onProgress?: (stage: PrepareStage, done: number, total: number) => void;
}) {
  const { db, dataDir } = options;
  const result = await prepareDataset({
    sourceDir: options.sourceDir,
    dataDir,
    splitSeed: getSplitSeed({ dataDir, override: options.splitSeedOverride }),
    force: options.force,
    skipBadRows: options.skipBadRows,
    hasSubmissions: () => currentDatasetHasSubmissions({ db }),
    onProgress: options.onProgress,
  });
  const dataset = await registerDataset({ db, manifest: result.manifest });
  return { ...result, datasetId: dataset.id };
}
