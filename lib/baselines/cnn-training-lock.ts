import fs from "node:fs";
import path from "node:path";

/**
 * The lock that says "a cnn baseline is training for this instance": DATA_DIR/locks/cnn-baseline.lock,
 * a small JSON file with the pid of the training process. It is created exclusively (O_EXCL),
 * so two `npm start`s on one DATA_DIR cannot both start a training, and it is stale when its
 * process is gone (a killed `npm start`, a crash, a reboot): the next start removes it and
 * trains again, so no restart can leave the instance stuck on "training".
 */
export interface CnnTrainingLock {
  pid: number;
  datasetId: string;
  startedAt: string;
}

export function cnnTrainingLockPath(dataDir: string): string {
  return path.join(dataDir, "locks", "cnn-baseline.lock");
}

/** The lock's content, or undefined when there is none; an unreadable lock reads as pid 0 (stale). */
export function readCnnTrainingLock(file: string): CnnTrainingLock | undefined {
  const text = unlessErrno("ENOENT", () => fs.readFileSync(file, "utf8"));
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as Partial<CnnTrainingLock>;
    if (Number.isInteger(parsed.pid) && (parsed.pid as number) > 0)
      return { pid: parsed.pid as number, datasetId: String(parsed.datasetId ?? ""), startedAt: String(parsed.startedAt ?? "") };
  } catch {
    // A half-written lock (crash between create and write) is as stale as a dead pid.
  }
  return { pid: 0, datasetId: "", startedAt: "" };
}

/** Creates the lock if there is none; false when another one exists. */
export function acquireCnnTrainingLock(file: string, lock: CnnTrainingLock): boolean {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = unlessErrno("EEXIST", () => fs.openSync(file, "wx"));
  if (fd === undefined) return false;
  try {
    fs.writeSync(fd, JSON.stringify(lock));
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/** `fn()`, or undefined when it fails with errno `code` (no lock file, a lock already there); other errors are thrown. */
function unlessErrno<T>(code: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === code) return undefined;
    throw err;
  }
}

/** Points the held lock at another pid (the spawned trainer), atomically. */
export function updateCnnTrainingLock(file: string, lock: CnnTrainingLock): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(lock));
  fs.renameSync(tmp, file);
}

/** Removes the lock, only if it still names `pid` (never someone else's newer lock). */
export function releaseCnnTrainingLock(file: string, pid: number): void {
  if (readCnnTrainingLock(file)?.pid === pid) fs.rmSync(file, { force: true });
}

/**
 * Whether `pid` is a live process that looks like our trainer. `kill(pid, 0)` alone would
 * take a recycled pid for a live trainer, so where /proc exists the command line must mention
 * the baselines script too.
 */
export function isTrainingProcessAlive(pid: number): boolean {
  if (!(pid > 0)) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("baselines");
  } catch {
    return !fs.existsSync("/proc/self");
  }
}
