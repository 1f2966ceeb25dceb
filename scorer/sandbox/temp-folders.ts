import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/**
 * The scorer's temp folders (`tp-model-*`: an extracted bundle being scored) are removed by the
 * run that made them, except when the process is killed. Each records its owner (pid and the
 * process's start time, so a reused pid does not count), and a worker sweeps, at start, the
 * ones whose owner is gone. Folders without an owner file (made before owners were recorded,
 * or by the old `tp-sandbox-*` child builds) go once they are a day old.
 */

const OWNER_FILE = ".tp-owner.json";
const SWEPT = /^tp-(model|sandbox)-[A-Za-z0-9]{6}$/;
const LEGACY_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/** Makes a private temp folder `<tmpDir>/<prefix>XXXXXX` owned by this process. */
export async function makeOwnedTempDir(prefix: "tp-model-", tmpDir = os.tmpdir()): Promise<string> {
  const dir = await fsp.mkdtemp(path.join(tmpDir, prefix));
  await fsp.writeFile(path.join(dir, OWNER_FILE), JSON.stringify({ pid: process.pid, started: processStartTicks(process.pid) }));
  return dir;
}

/** Removes the scorer's temp folders left by processes that no longer run. Returns their paths. */
export async function sweepTempFolders(options: { tmpDir?: string; now?: number } = {}): Promise<string[]> {
  const tmpDir = options.tmpDir ?? os.tmpdir();
  const now = options.now ?? Date.now();
  const removed: string[] = [];
  for (const name of await fsp.readdir(tmpDir).catch(() => [] as string[])) {
    if (!SWEPT.test(name)) continue;
    const dir = path.join(tmpDir, name);
    const stat = await fsp.lstat(dir).catch(() => undefined);
    // Ours are real folders owned by us; leave anything else alone.
    if (!stat?.isDirectory() || stat.uid !== process.getuid?.()) continue;
    const owner = await readOwner(dir);
    const abandoned = owner ? !ownerAlive(owner) : now - stat.mtimeMs > LEGACY_MAX_AGE_MS;
    if (!abandoned) continue;
    await fsp.rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

async function readOwner(dir: string): Promise<{ pid: number; started: string | null } | undefined> {
  try {
    const parsed = JSON.parse(await fsp.readFile(path.join(dir, OWNER_FILE), "utf8")) as { pid?: unknown; started?: unknown };
    if (!Number.isInteger(parsed.pid)) return undefined;
    return { pid: parsed.pid as number, started: typeof parsed.started === "string" ? parsed.started : null };
  } catch {
    return undefined;
  }
}

function ownerAlive(owner: { pid: number; started: string | null }): boolean {
  const started = processStartTicks(owner.pid);
  if (started === null) return false;
  return owner.started === null || owner.started === started;
}

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. */
function processStartTicks(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}
