/**
 * Download benchmark (issue 4): the train archive streamed through the real
 * gated route of `npm start`, against reading the same file straight from disk, with the web
 * server's memory sampled all along.
 *
 *   npx tsx bench/downloads.ts [--count 20000] [--rounds 3]
 *
 * 1. `npm start` on a scratch DATA_DIR with a synthetic dataset of --count portraits (no baselines,
 *    no scorer), a participant who accepted the terms, signed in through next-auth's credentials
 *    endpoint like a browser.
 * 2. Disk: the archive read with fs streams (the page cache is warm after the first read).
 * 3. HTTP: GET /api/downloads/Tiny_Portraits_Train.zip --rounds times, body checked against the
 *    listed SHA-256; then one resumed download in two Range requests; RSS of the server's
 *    processes sampled every 50 ms.
 *
 * Prints MB/s of both and their ratio (target: the route at disk speed, ratio near 1), and the
 * server's RSS before, at peak and after (target: flat, i.e. growth far below the archive size).
 */
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { hashPassword } from "../lib/auth/password";
import { closeDb, createDb } from "../lib/db/client";
import { CURRENT_TERMS } from "../lib/terms/terms-document";
import { acceptTerms } from "../lib/terms/accept-terms";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const COUNT = arg("count", "20000");
const ROUNDS = Number(arg("rounds", "3"));
const PORT = 3390 + Math.floor(Math.random() * 50);
const BASE = `http://127.0.0.1:${PORT}`;
const ROOT = path.resolve(__dirname, "..");
const ARCHIVE = "Tiny_Portraits_Train.zip";
const say = (msg: string) => process.stderr.write(`[bench:downloads] ${msg}\n`);

/** Resident memory of a process and all its descendants, in MB (Linux /proc). */
function treeRssMb(rootPid: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = fs.readFileSync(`/proc/${entry}/status`, "utf8");
      const ppid = Number(/PPid:\s+(\d+)/.exec(status)?.[1]);
      rss.set(Number(entry), Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  let total = 0;
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop()!;
    total += rss.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

async function waitForHealth(timeoutMs: number): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    try {
      if ((await fetch(`${BASE}/api/health`)).ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() - t0 > timeoutMs) throw new Error("the server did not come up");
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Signs in like a browser: CSRF token, then the credentials callback; returns the Cookie header. */
async function signIn(email: string, password: string): Promise<string> {
  const csrfRes = await fetch(`${BASE}/api/auth/csrf`);
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
  };
  keep(csrfRes);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const res = await fetch(`${BASE}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie() },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  keep(res);
  if (![...jar.keys()].some((k) => k.includes("session-token"))) throw new Error(`sign-in failed (${res.status})`);
  return cookie();
}

async function timeStream(
  read: () => Promise<AsyncIterable<Uint8Array>>,
  sample: () => void,
): Promise<{ seconds: number; bytes: number; sha256: string }> {
  const hash = crypto.createHash("sha256");
  const t0 = performance.now();
  let bytes = 0;
  const timer = setInterval(sample, 50);
  try {
    for await (const chunk of await read()) {
      hash.update(chunk);
      bytes += chunk.length;
    }
  } finally {
    clearInterval(timer);
  }
  return { seconds: (performance.now() - t0) / 1000, bytes, sha256: hash.digest("hex") };
}

async function httpBody(url: string, headers: Record<string, string>, expectStatus: number): Promise<AsyncIterable<Uint8Array>> {
  const res = await fetch(url, { headers });
  if (res.status !== expectStatus || !res.body) throw new Error(`${url}: HTTP ${res.status}, expected ${expectStatus}`);
  // Node's fetch body is async-iterable, but the DOM lib this project compiles with (no
  // dom.asynciterable) does not declare ReadableStream's async iterator, hence the cast.
  return res.body as unknown as AsyncIterable<Uint8Array>;
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tp-bench-downloads-"));
  say(`starting npm start on ${BASE} with ${COUNT} synthetic portraits in ${dataDir} (first run builds the app)`);
  const server = spawn("npm", ["start"], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(PORT),
      HOST: "127.0.0.1",
      SYNTHETIC_COUNT: COUNT,
      QUICK_BASELINES_ON_START: "0",
      CNN_BASELINE_ON_START: "0",
      EMBEDDED_SCORER: "0",
      PUBLIC_URL: BASE,
    },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  try {
    await waitForHealth(20 * 60_000);
    const db = createDb(`file:${path.join(dataDir, "db.sqlite")}`);
    const email = `bench-${Date.now()}@example.org`;
    const password = "bench-password-1";
    // Created directly: sign-up would only mail a confirmation link and answer "check your inbox".
    const user = await db.user.create({
      data: { name: `Bench ${Date.now()}`, email, passwordHash: await hashPassword(password), emailVerifiedAt: new Date() },
    });
    await acceptTerms({ db, userId: user.id, version: CURRENT_TERMS.version, ip: null });
    const file = await db.datasetFile.findFirstOrThrow({ where: { name: ARCHIVE, dataset: { isCurrent: true } } });
    await db.$disconnect();
    const cookie = await signIn(email, password);
    const archivePath = path.join(dataDir, "dataset", "current", "public", ARCHIVE);
    const size = fs.statSync(archivePath).size;
    const mb = size / 1e6;
    say(`${ARCHIVE}: ${mb.toFixed(1)} MB`);

    let peak = 0;
    const sample = () => (peak = Math.max(peak, treeRssMb(server.pid!)));
    const disk: number[] = [];
    const http: number[] = [];
    await timeStream(
      async () => fs.createReadStream(archivePath),
      () => {},
    ); // warm the page cache
    // Warm the route (first request compiles nothing in production, but loads the modules).
    await timeStream(
      () => httpBody(`${BASE}/api/downloads/${ARCHIVE}`, { cookie, range: "bytes=0-1023" }, 206),
      () => {},
    );
    const rssBefore = treeRssMb(server.pid!);
    peak = rssBefore;
    for (let round = 0; round < ROUNDS; round++) {
      const d = await timeStream(
        async () => fs.createReadStream(archivePath, { highWaterMark: 256 * 1024 }),
        () => {},
      );
      disk.push(d.bytes / 1e6 / d.seconds);
      const h = await timeStream(() => httpBody(`${BASE}/api/downloads/${ARCHIVE}`, { cookie }, 200), sample);
      if (h.sha256 !== file.sha256 || h.bytes !== size)
        throw new Error(`round ${round}: the downloaded archive does not match its SHA-256`);
      http.push(h.bytes / 1e6 / h.seconds);
      say(
        `round ${round + 1}: disk ${disk.at(-1)!.toFixed(0)} MB/s, route ${http.at(-1)!.toFixed(0)} MB/s, server RSS peak ${peak.toFixed(0)} MB`,
      );
    }
    // A resumed download: first half, then the rest with Range; the halves must join up.
    const half = Math.floor(size / 2);
    const hash = crypto.createHash("sha256");
    for (const [range, status] of [
      [`bytes=0-${half - 1}`, 206],
      [`bytes=${half}-`, 206],
    ] as const) {
      for await (const chunk of await httpBody(`${BASE}/api/downloads/${ARCHIVE}`, { cookie, range }, status)) hash.update(chunk);
    }
    const resumedOk = hash.digest("hex") === file.sha256;
    const rssAfter = treeRssMb(server.pid!);

    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(
      `\nDownload of ${ARCHIVE} (${mb.toFixed(1)} MB, ${COUNT} synthetic portraits), ${ROUNDS} rounds, ${os.cpus().length} cores\n`,
    );
    console.log(`${"path".padEnd(34)}  ${"MB/s (median)".padStart(13)}  ${"ratio".padStart(6)}`);
    console.log(`${"-".repeat(34)}  ${"-".repeat(13)}  ${"-".repeat(6)}`);
    console.log(`${"disk (fs stream, page cache)".padEnd(34)}  ${median(disk).toFixed(0).padStart(13)}  ${"1.00".padStart(6)}`);
    console.log(
      `${"GET /api/downloads (gated, logged)".padEnd(34)}  ${median(http).toFixed(0).padStart(13)}  ${(median(http) / median(disk)).toFixed(2).padStart(6)}`,
    );
    console.log(
      `\nServer RSS (web server + workers): before ${rssBefore.toFixed(0)} MB, peak while streaming ${peak.toFixed(0)} MB, after ${rssAfter.toFixed(0)} MB`,
    );
    console.log(
      `growth at peak: ${(peak - rssBefore).toFixed(0)} MB for ${(mb * ROUNDS).toFixed(0)} MB served (${((peak - rssBefore) / mb).toFixed(2)} x the archive)`,
    );
    console.log(`resumed download in two Range requests: ${resumedOk ? "joins up to the listed SHA-256" : "MISMATCH"}`);
  } finally {
    try {
      process.kill(-server.pid!, "SIGTERM");
    } catch {
      // already gone
    }
    await closeDb().catch(() => {});
    await new Promise((r) => setTimeout(r, 2000));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
