import fs from "node:fs/promises";
import path from "node:path";
import { DatasetError } from "./dataset-error";
import { PREPARE_LOCK_NAME, datasetRoot } from "./layout";

/**
 * Makes sure only one prepare writes under DATA_DIR/dataset at a time (two would delete each
 * other's builds). The lock is a file holding the owner's pid, created with O_EXCL; a lock
 * left by a process that no longer exists (killed prepare) is taken over.
 * Returns the release function.
 */
export async function acquirePrepareLock(dataDir: string): Promise<() => Promise<void>> {
  const root = datasetRoot(dataDir);
  await fs.mkdir(root, { recursive: true });
  const lockPath = path.join(root, PREPARE_LOCK_NAME);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await fs.open(lockPath, "wx");
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return async () => {
        await fs.rm(lockPath, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const owner = Number((await fs.readFile(lockPath, "utf8").catch(() => "")).trim());
      if (owner && owner !== process.pid && isAlive(owner)) {
        throw new DatasetError(
          "busy",
          `another prepare (process ${owner}) is running on ${root}; wait for it to finish (or delete ${lockPath} if that process is gone)`,
        );
      }
      if (owner === process.pid) {
        throw new DatasetError("busy", `a prepare is already running in this process on ${root}`);
      }
      await fs.rm(lockPath, { force: true });
    }
  }
  throw new DatasetError("busy", `could not take the prepare lock ${lockPath}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
