import fs from "node:fs/promises";
import { DatasetError } from "./dataset-error";
import { datasetManifestSchema, type DatasetManifest } from "./dataset-manifest";
import { buildPaths, resolveCurrentBuildDir } from "./layout";

/** dataset.json plus the real build folder `current` pointed to when read (use buildPaths(buildDir)). */
export type PreparedDataset = DatasetManifest & { buildDir: string };

/**
 * The live prepared dataset: dataset.json of the build `current` points to, validated, or
 * undefined when nothing has been prepared. Resolve once and keep `buildDir` for the rest of
 * an operation, so a prepare finishing meanwhile cannot mix two builds.
 */
export async function readPreparedDataset(dataDir: string): Promise<PreparedDataset | undefined> {
  const buildDir = await resolveCurrentBuildDir(dataDir);
  if (!buildDir) return undefined;
  return { ...(await readBuildManifest(buildDir)), buildDir };
}

/** dataset.json of one build folder. */
export async function readBuildManifest(buildDir: string): Promise<DatasetManifest> {
  const file = buildPaths(buildDir).manifest;
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(file, "utf8"));
  } catch (err) {
    throw new DatasetError("corrupt-build", `${file} cannot be read: ${(err as Error).message}`);
  }
  const parsed = datasetManifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new DatasetError("corrupt-build", `${file} is not a dataset manifest this version understands (prepare the dataset again)`);
  }
  return parsed.data;
}
