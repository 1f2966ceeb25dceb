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
  const built = fs.existsSync(path.join(root, distDir, "BUILD_ID")) && readOrEmpty(stamp) === current;
  if (built) return;
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
