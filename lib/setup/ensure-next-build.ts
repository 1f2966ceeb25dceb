import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";

/** Folders and files whose change makes a production build stale. */
const SOURCES = [
  "app",
  "lib",
  "public",
  "proxy.ts",
  "next.config.ts",
  "postcss.config.mjs",
  "package-lock.json",
  "tsconfig.json",
  "tsconfig.build.json",
];
const SKIP = new Set(["node_modules", ".next", "generated"]);
const isBuildDir = (name: string) => name.startsWith(".next");

function fingerprint(root: string): string {
  const hash = crypto.createHash("sha256");
  const walk = (rel: string) => {
    const abs = path.join(root, rel);
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(abs).sort()) {
        if (SKIP.has(name) || isBuildDir(name) || name.endsWith(".test.ts")) continue;
        walk(path.join(rel, name));
      }
    } else {
      hash.update(`${rel}\0${st.size}\0${st.mtimeMs}\n`);
    }
  };
  for (const s of SOURCES) walk(s);
  return hash.digest("hex");
}

/**
 * `npm start` must work on a fresh clone, so it builds the Next.js app when there is no
 * production build or when the sources changed since the last one (a stale build after
 * `git pull` would otherwise serve old code without a word).
 */
export function ensureNextBuild(options: { root: string; log: (msg: string) => void }): void {
  const { root, log } = options;
  // NEXT_DIST_DIR (next.config.ts): a test's own build beside the one `npm start` serves.
  const distDir = process.env.NEXT_DIST_DIR || ".next";
  const stamp = path.join(root, distDir, "tiny-portraits-source-hash");
  const current = fingerprint(root);
  const isBuilt = () => fs.existsSync(path.join(root, distDir, "BUILD_ID")) && readOrEmpty(stamp) === current;
  if (isBuilt()) return;
  // Two processes starting from one checkout at once (two web nodes on one machine, two test
  // files sharing a build folder) must not run `next build` into the same folder together:
  // the second waits for the first, then finds the build fresh.
  const release = acquireBuildLock(path.join(root, `${distDir}.build-lock`), log);
  try {
    if (isBuilt()) return;
    buildNext(root, stamp, current, log);
  } finally {
    release();
  }
}

function buildNext(root: string, stamp: string, current: string, log: (msg: string) => void): void {
  log("Building the web app (first start or sources changed; about a minute)...");
  const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
  const result = spawnSync(process.execPath, [nextBin, "build"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) throw new Error(`next build failed (exit ${result.status ?? result.signal})`);
  fs.writeFileSync(stamp, current);
}

function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** A lock folder held while one process builds (mkdir is atomic); a dead holder's lock is taken over. */
function acquireBuildLock(lockDir: string, log: (msg: string) => void): () => void {
  const pidFile = path.join(lockDir, "pid");
  let waited = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(pidFile, String(process.pid));
      return () => fs.rmSync(lockDir, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    if (lockHolderGone(lockDir, pidFile)) {
      fs.rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (!waited) log(`Another process is building the web app (${lockDir}); waiting for it...`);
    waited = true;
    // Synchronous like the build itself: `npm start` has nothing else to do meanwhile.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
  }
}

function lockHolderGone(lockDir: string, pidFile: string): boolean {
  const pid = Number(readOrEmpty(pidFile));
  if (!Number.isInteger(pid) || pid <= 0) {
    // The holder writes its pid right after mkdir; a lock without one for 10 s was left by a crash.
    try {
      return Date.now() - fs.statSync(lockDir).mtimeMs > 10_000;
    } catch {
      return true;
    }
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}
