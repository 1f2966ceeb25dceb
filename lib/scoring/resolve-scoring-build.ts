import fs from "node:fs/promises";
import { buildDir, resolveCurrentBuildDir } from "../dataset/layout";
import { readBuildManifest } from "../dataset/read-prepared-dataset";

/**
 * The build folder to score a submission against, resolved once per job: the current build
 * when it is the one the submission was made for, else that build's own folder if it is still
 * on disk. undefined when the build is gone (the dataset was replaced and the old build
 * deleted): its test ids no longer exist, so no retry can score it.
 */
export async function resolveScoringBuild(options: { dataDir: string; buildId: string }): Promise<string | undefined> {
  const current = await resolveCurrentBuildDir(options.dataDir);
  if (current && (await buildIdOf(current)) === options.buildId) return current;
  const own = buildDir(options.dataDir, options.buildId);
  try {
    const real = await fs.realpath(own);
    if ((await buildIdOf(real)) === options.buildId) return real;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  return undefined;
}

// A build folder's manifest never changes (prepare writes a new folder), so the buildId of a
// real build path is read once per process: this runs on every upload and every job.
const buildIds = new Map<string, string>();

async function buildIdOf(realBuildDir: string): Promise<string> {
  let id = buildIds.get(realBuildDir);
  if (id === undefined) {
    id = (await readBuildManifest(realBuildDir)).buildId;
    if (buildIds.size > 16) buildIds.clear();
    buildIds.set(realBuildDir, id);
  }
  return id;
}
