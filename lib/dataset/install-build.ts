import fs from "node:fs/promises";
import path from "node:path";
import { BUILDS_DIR_NAME, CURRENT_LINK_NAME, buildDir, buildsDir, currentLinkPath, datasetRoot } from "./layout";

/**
 * Makes a complete build live: moves the finished temp folder to builds/<id>, points
 * `current` at it with an atomic rename of a fresh symlink over the old one (a reader sees
 * the old build or the new one, never neither), then deletes every other build.
 * Call with the prepare lock held.
 */
export async function installBuild(options: { dataDir: string; tmpDir: string; buildId: string }): Promise<string> {
  const { dataDir, tmpDir, buildId } = options;
  const finalDir = buildDir(dataDir, buildId);
  await fs.rename(tmpDir, finalDir);
  await syncDir(buildsDir(dataDir));

  const root = datasetRoot(dataDir);
  const tmpLink = path.join(root, `.${CURRENT_LINK_NAME}-${buildId}`);
  try {
    await fs.rm(tmpLink, { force: true });
    // Relative target: the data folder can be moved or mounted elsewhere.
    await fs.symlink(path.join(BUILDS_DIR_NAME, buildId), tmpLink);
    await fs.rename(tmpLink, currentLinkPath(dataDir));
  } catch (err) {
    // `current` still points to the old build: remove the new one so nothing is left over.
    await fs.rm(tmpLink, { force: true });
    await fs.rm(finalDir, { recursive: true, force: true });
    throw err;
  }
  await syncDir(root);

  // Old builds go only now. Processes that still have their files open keep reading them
  // (unlinked files live until closed); new readers resolve `current` to the new build.
  for (const name of await fs.readdir(buildsDir(dataDir))) {
    if (name !== buildId) await fs.rm(path.join(buildsDir(dataDir), name), { recursive: true, force: true });
  }
  return finalDir;
}

/**
 * Refuses to start when `current` exists but is not a symlink (someone made it a folder):
 * the final rename could not replace it, and failing after an hour of work is worse.
 */
export async function checkCurrentIsReplaceable(dataDir: string): Promise<void> {
  try {
    const stat = await fs.lstat(currentLinkPath(dataDir));
    if (!stat.isSymbolicLink()) {
      throw new Error(`${currentLinkPath(dataDir)} exists and is not a symlink; move it away before preparing`);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
}

/** fsync a directory so a rename in it survives a crash (the rename is only durable then). */
export async function syncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
