/**
 * The multi-node rehearsal behind `npm run bench:multi-node` and tests/multi-node.test.ts: the
 * steps of docs/production.md run on one machine, then a load with scorers killed under it.
 *
 *   1. shared secrets (AUTH_SECRET, SPLIT_SEED, METRICS_TOKEN), as every node's environment file has them;
 *   2. a fresh PostgreSQL database on 127.0.0.1:5432 and `npm run db:migrate` against it;
 *   3. S3-compatible object storage (s3rver here, SeaweedFS or Garage in production), BLOB_STORE=s3;
 *   4. the dataset prepared once (`npm run data -- generate` + `prepare`) on the first node and
 *      copied to every other node's DATA_DIR (the `rsync` step of the guide);
 *   5. the web app built once (`npm run build:web`), then `npm start` per web node (EMBEDDED_SCORER=0) and
 *      `npm run scorer` per scorer, each with its own DATA_DIR;
 *   6. participants with API tokens upload CSVs and ONNX models over HTTP, alternating between the
 *      web nodes, while scorers are killed with SIGKILL and restarted at random moments;
 *   7. every submission must end scored, each exactly once; /metrics is scraped before, during
 *      and after.
 *
 * Everything it creates (database, bucket folder, DATA_DIRs, processes) is removed at the end,
 * also when it fails.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { promisify } from "node:util";
import pg from "pg";
import { createApiToken } from "../../lib/auth/create-api-token";
import { CLASSES, SUBMISSION_CSV_HEADER } from "../../lib/challenge/definition";
import { resolveCurrentBuildDir } from "../../lib/dataset/layout";
import { createDb, type Db } from "../../lib/db/client";
import { pgConnectionFields, pgUrl } from "../../lib/db/engine";
import { loadTestIds } from "../../lib/scoring/load-test-ids";
import { getSubmissionQuota } from "../../lib/submissions/get-submission-quota";
import { freePort } from "../free-port";
import { makeManifest, writeOnnxBundle, zipFolder } from "../models/model-fixtures";
import { localPostgresAdminUrl } from "../postgres";
import { startLocalS3Server, type LocalS3Server } from "../s3-server";
import { createTestUser } from "../scoring/scoring-fixture";
import { spawnWorkerProcess, type WorkerProcess } from "../scorer/spawn-worker-process";

const ROOT = path.resolve(__dirname, "..", "..");
const run = promisify(execFile);

export interface RehearsalOptions {
  submissions: number;
  webNodes?: number;
  scorers?: number;
  /** Every n-th upload is an ONNX model bundle (the rest are predictions CSVs). */
  modelEvery?: number;
  /** Uploads in flight at once (spread over the web nodes). */
  uploadConcurrency?: number;
  /** A scorer is SIGKILLed after a pause drawn from this range (ms), then restarted. */
  killPauseMs?: [number, number];
  /** Stop killing after this many kills (default: no limit while uploads go on). */
  maxKills?: number;
  /** After each pause, wait (up to 30 s) until a scorer holds a job, so each kill leaves a job to reclaim. */
  killOnlyBusy?: boolean;
  /** Scorers' SCORER_LEASE_MS: how long a killed scorer's job waits before it is reclaimed. */
  leaseMs?: number;
  /** Next.js build folder (NEXT_DIST_DIR) the web nodes serve; built when missing or stale. */
  distDir?: string;
  /** Synthetic portraits of the prepared dataset (the CLI's and SYNTHETIC_COUNT's minimum is 100). */
  datasetCount?: number;
  /** Give up waiting for the last submissions after this long. */
  finishTimeoutMs?: number;
  seed?: number;
  log?: (msg: string) => void;
}

export interface MetricsSample {
  at: "before" | "mid" | "after";
  queueDone: number;
  queueQueued: number;
  queueRunning: number;
  /** Requests counted by tp_http_request_duration_seconds (all routes) on the scraped node. */
  httpRequests: number;
  /** Of those, uploads (POST /api/submissions). */
  uploadRequests: number;
}

export interface RehearsalResult {
  webNodes: number;
  scorers: number;
  submissions: number;
  csvs: number;
  models: number;
  /** Uploads answered with anything but 201 (each is listed in `problems`). */
  refused: number;
  uploadsPerNode: number[];
  scored: number;
  failed: number;
  /** 201 answers whose submission never reached a final state. */
  lost: number;
  /** Submissions with more than one job, more than one Score, or a job completed by two workers. */
  duplicates: number;
  /** Jobs whose final attempt was not their first (a killed scorer's job taken over). */
  reclaimedJobs: number;
  /** Workers that found their lease taken over before committing (their work was thrown away). */
  lostLeases: number;
  kills: number;
  completedPerScorerSlot: number[];
  durationSeconds: number;
  throughputPerSecond: number;
  latencyMs: { p50: number; p95: number; max: number };
  metrics: MetricsSample[];
  problems: string[];
}

interface Upload {
  index: number;
  node: number;
  kind: "csv" | "model";
  startedAt: number;
  status?: number;
  submissionId?: string;
  error?: string;
}

interface WebNode {
  child: ChildProcess;
  base: string;
  dataDir: string;
  output: string[];
}

const FINAL = new Set(["scored", "failed"]);

export async function rehearseMultiNode(options: RehearsalOptions): Promise<RehearsalResult> {
  const log = options.log ?? (() => {});
  const webCount = options.webNodes ?? 2;
  const scorerCount = options.scorers ?? 3;
  const modelEvery = options.modelEvery ?? 10;
  const leaseMs = options.leaseMs ?? 4000;
  const [killMin, killMax] = options.killPauseMs ?? [1500, 5000];
  const rng = lcg(options.seed ?? 13);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tp-multinode-"));
  const cleanups: (() => Promise<unknown> | unknown)[] = [() => fs.rmSync(tmp, { recursive: true, force: true })];
  const problems: string[] = [];
  const webNodes: WebNode[] = [];
  const scorerSlots: WorkerProcess[][] = [];
  let db: Db | undefined;

  try {
    // 1. Secrets every node shares: sessions signed on one web node are read by the other.
    const secrets = {
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      SPLIT_SEED: randomBytes(16).toString("hex"),
      METRICS_TOKEN: randomBytes(24).toString("base64url"),
    };

    // 2. PostgreSQL: one fresh database, migrated once before any node starts.
    const adminUrl = await localPostgresAdminUrl();
    if (!adminUrl) throw new Error("PostgreSQL is not reachable on 127.0.0.1:5432 (trust auth) or TEST_POSTGRES_URL");
    // tp_test_<time>_...: the test helpers' clean-up recognises it if a crash leaves it behind.
    const dbName = `tp_test_${Date.now().toString(36)}_multinode`;
    await adminQuery(adminUrl, `CREATE DATABASE ${pg.escapeIdentifier(dbName)}`);
    cleanups.push(() => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(dbName)} WITH (FORCE)`));
    const databaseUrl = pgUrl({ ...pgConnectionFields(adminUrl), database: dbName });
    log(`database ${dbName}`);

    // 3. Object storage every node reaches.
    const s3: LocalS3Server = await startLocalS3Server({ bucket: "tp-multinode" });
    cleanups.push(() => s3.close());
    log(`object storage ${s3.settings.endpoint} bucket ${s3.settings.bucket}`);

    const distDir = options.distDir ?? ".next-multinode";
    const shared: Record<string, string> = {
      DATABASE_URL: databaseUrl,
      ...s3.env,
      ...secrets,
      DAILY_SUBMISSION_LIMIT: "5",
      LOG_LEVEL: "warn",
      NEXT_DIST_DIR: distDir,
      NODE_OPTIONS: "",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    };
    const cli = (script: string, args: string[], dataDir: string) =>
      run(process.execPath, ["--import", "tsx", path.join(ROOT, script), ...args], {
        cwd: ROOT,
        env: { ...process.env, ...shared, DATA_DIR: dataDir },
        maxBuffer: 16 * 1024 * 1024,
      });
    await cli("scripts/migrate.ts", [], path.join(tmp, "migrate"));
    log("migrations applied (npm run db:migrate)");

    // 4. The dataset: prepared on the first node, copied to the others.
    const dataDirs = [
      ...Array.from({ length: webCount }, (_, i) => path.join(tmp, `web-${i + 1}`)),
      ...Array.from({ length: scorerCount }, (_, i) => path.join(tmp, `scorer-${i + 1}`)),
    ];
    const source = path.join(tmp, "source");
    const count = String(options.datasetCount ?? 100);
    await cli("cli/data.ts", ["generate", "--out", source, "--count", count, "--zips"], dataDirs[0]);
    await cli("cli/data.ts", ["prepare", "--source", source], dataDirs[0]);
    fs.rmSync(source, { recursive: true, force: true });
    for (const dir of dataDirs.slice(1)) {
      // verbatimSymlinks: `current` stays the relative link to builds/<id>, as rsync -a keeps it.
      fs.cpSync(path.join(dataDirs[0], "dataset"), path.join(dir, "dataset"), { recursive: true, verbatimSymlinks: true });
    }
    const buildDir = await resolveCurrentBuildDir(dataDirs[0]);
    if (!buildDir) throw new Error("prepare left no current build");
    const testIds = await loadTestIds({ buildDir });
    log(`dataset prepared (${count} portraits, ${testIds.length} test images) and copied to ${dataDirs.length - 1} more DATA_DIRs`);

    // 5. One build for every web node on this machine, then the nodes and the scorers.
    // `npm run build:web`, as a deployment runs it before starting the web services.
    await cli("scripts/build-web.ts", [], dataDirs[0]);
    log(`web app built (${distDir})`);
    for (let i = 0; i < webCount; i++) {
      const node = await startWebNode({ dataDir: dataDirs[i], env: shared });
      webNodes.push(node);
      cleanups.push(() => stopProcess(node.child, 15_000));
    }
    await Promise.all(webNodes.map((node) => waitReady(node, 180_000)));
    log(`web nodes ready: ${webNodes.map((n) => n.base).join(", ")}`);

    const scorerDirs = dataDirs.slice(webCount);
    const startScorer = (slot: number) => {
      const w = spawnWorkerProcess({
        databaseUrl,
        dataDir: scorerDirs[slot],
        args: ["--lease-ms", String(leaseMs), "--grace-ms", "2000"],
        env: shared,
      });
      (scorerSlots[slot] ??= []).push(w);
      return w;
    };
    for (let slot = 0; slot < scorerCount; slot++) startScorer(slot);
    await Promise.all(scorerSlots.map((s) => s[0].started));
    cleanups.push(() => Promise.all(scorerSlots.flat().map((w) => stopProcess(w.child, 10_000))));
    log(`${scorerCount} scorers started`);

    // 6. Participants: verified, terms accepted, each with an API token; as many as the daily quota needs.
    db = createDb(databaseUrl, { poolSize: 4 });
    const probe = await createTestUser({ db });
    const quota = await getSubmissionQuota({ db, userId: probe.id });
    const perParticipant = Math.max(1, quota.limit ?? options.submissions);
    const participants = Math.ceil(options.submissions / perParticipant);
    const tokens: string[] = [];
    for (let i = 0; i < participants; i++) {
      const user = i === 0 ? probe : await createTestUser({ db });
      tokens.push((await createApiToken({ db, userId: user.id, input: { name: "rehearsal", scopes: ["read", "submit"] } })).token);
    }
    log(`${participants} participants with API tokens (daily quota ${perParticipant})`);

    const modelDir = path.join(tmp, "model");
    writeOnnxBundle(modelDir, { manifest: makeManifest("onnx"), heads: "sliced" });
    const modelZip = zipFolder(modelDir);
    const csvFor = (index: number) => {
      const r = lcg(1000 + index);
      const pick = (classes: readonly string[]) => classes[Math.floor(r() * classes.length)];
      const rows = testIds.map((id) => [id, pick(CLASSES.Gender), pick(CLASSES.Hair_Color), pick(CLASSES.Hair_Type)].join(","));
      return Buffer.from([SUBMISSION_CSV_HEADER.join(","), ...rows].join("\n") + "\n");
    };

    const metrics: MetricsSample[] = [];
    const scrape = async (at: MetricsSample["at"]) => {
      const sample = await scrapeMetrics(webNodes[0].base, secrets.METRICS_TOKEN, at);
      metrics.push(sample);
      log(`metrics ${at}: queue done ${sample.queueDone}, queued ${sample.queueQueued}, http requests ${sample.httpRequests}`);
    };
    await scrape("before");

    // 7. The load, with scorers killed under it.
    const uploads: Upload[] = [];
    let uploadsDone = false;
    let kills = 0;
    const started = Date.now();
    const chaos = (async () => {
      while (!uploadsDone && (options.maxKills === undefined || kills < options.maxKills)) {
        await sleep(killMin + rng() * (killMax - killMin));
        if (uploadsDone) break;
        const waitUntil = Date.now() + 30_000;
        while (options.killOnlyBusy && Date.now() < waitUntil && !scorerSlots.some((s) => holdsJob(s[s.length - 1]))) await sleep(20);
        // Prefer a scorer holding a job, so the kill leaves work behind to reclaim.
        const live = scorerSlots.map((s, slot) => ({ w: s[s.length - 1], slot }));
        const busy = live.filter(({ w }) => holdsJob(w));
        const pool = busy.length > 0 ? busy : live;
        const victim = pool[Math.floor(rng() * pool.length)];
        victim.w.child.kill("SIGKILL");
        await victim.w.exited;
        kills++;
        log(`killed scorer ${victim.slot + 1}${holdsJob(victim.w) ? " holding a job" : ""} (kill ${kills})`);
        await sleep(300 + rng() * 1200);
        await startScorer(victim.slot).started;
      }
    })();

    let next = 0;
    let midScraped = false;
    const uploadOne = async (index: number) => {
      const node = index % webCount;
      const kind: Upload["kind"] = index % modelEvery === modelEvery - 1 ? "model" : "csv";
      const upload: Upload = { index, node, kind, startedAt: Date.now() };
      uploads.push(upload);
      const fileName = kind === "csv" ? `predictions-${index}.csv` : `model-${index}.zip`;
      try {
        const res = await fetch(`${webNodes[node].base}/api/submissions?fileName=${fileName}`, {
          method: "POST",
          body: new Uint8Array(kind === "csv" ? csvFor(index) : modelZip),
          headers: { authorization: `Bearer ${tokens[Math.floor(index / perParticipant)]}` },
        });
        upload.status = res.status;
        const body = await res.text();
        if (res.status === 201) upload.submissionId = (JSON.parse(body) as { submission: { id: string } }).submission.id;
        else upload.error = body.slice(0, 300);
      } catch (error) {
        upload.error = error instanceof Error ? error.message : String(error);
      }
    };
    const uploaders = Array.from({ length: options.uploadConcurrency ?? 4 }, async () => {
      while (next < options.submissions) {
        const index = next++;
        await uploadOne(index);
        if (!midScraped && uploads.length >= options.submissions / 2) {
          midScraped = true;
          await scrape("mid");
        }
      }
    });
    await Promise.all(uploaders);
    uploadsDone = true;
    log(`uploads sent in ${((Date.now() - started) / 1000).toFixed(1)} s; waiting for the scorers`);
    await chaos;

    const accepted = uploads.filter((u) => u.submissionId);
    for (const u of uploads.filter((u) => !u.submissionId)) problems.push(`upload ${u.index} (${u.kind}) refused: ${u.status} ${u.error}`);
    const ids = accepted.map((u) => u.submissionId!);
    const deadline = Date.now() + (options.finishTimeoutMs ?? 10 * 60_000);
    let rows: { id: string; status: string; scoredAt: Date | null; updatedAt: Date }[] = [];
    for (;;) {
      rows = await db.submission.findMany({
        where: { id: { in: ids } },
        select: { id: true, status: true, scoredAt: true, updatedAt: true },
      });
      if (rows.length === ids.length && rows.every((r) => FINAL.has(r.status))) break;
      if (Date.now() > deadline) break;
      await sleep(250);
    }
    const finishedAt = Math.max(started, ...rows.map((r) => (r.scoredAt ?? r.updatedAt).getTime()));
    await scrape("after");

    // Exactly once: one job per submission, done; one Score; at most one "completed" event per
    // job over every scorer process that ever ran (a kill between commit and print loses one).
    const jobs = await db.job.findMany({
      where: { submissionId: { in: ids } },
      select: { id: true, submissionId: true, status: true, attempts: true },
    });
    const scores = await db.score.groupBy({ by: ["submissionId"], where: { submissionId: { in: ids } }, _count: { _all: true } });
    const completions = new Map<string, number>();
    for (const w of scorerSlots.flat())
      for (const e of w.events) if (e.type === "completed") completions.set(e.jobId, (completions.get(e.jobId) ?? 0) + 1);
    const jobsBySubmission = new Map<string, typeof jobs>();
    for (const job of jobs) jobsBySubmission.set(job.submissionId!, [...(jobsBySubmission.get(job.submissionId!) ?? []), job]);
    const scoreCount = new Map(scores.map((s) => [s.submissionId, s._count._all]));
    const byId = new Map(rows.map((r) => [r.id, r]));
    let duplicates = 0;
    let lost = 0;
    for (const id of ids) {
      const row = byId.get(id);
      const its = jobsBySubmission.get(id) ?? [];
      if (!row || !FINAL.has(row.status)) {
        lost++;
        problems.push(`submission ${id} not final: ${row?.status ?? "missing"}`);
        continue;
      }
      const twice = its.length !== 1 || its.some((j) => (completions.get(j.id) ?? 0) > 1) || (scoreCount.get(id) ?? 0) > 1;
      if (twice) {
        duplicates++;
        problems.push(
          `submission ${id}: ${its.length} jobs, ${scoreCount.get(id) ?? 0} scores, completions ${its.map((j) => completions.get(j.id) ?? 0)}`,
        );
      }
      if (row.status === "scored" && (scoreCount.get(id) ?? 0) !== 1) problems.push(`submission ${id} scored without a Score row`);
      if (row.status === "failed") problems.push(`submission ${id} failed`);
    }
    const latencies = accepted
      .map((u) => {
        const row = byId.get(u.submissionId!);
        return row?.scoredAt ? row.scoredAt.getTime() - u.startedAt : undefined;
      })
      .filter((v): v is number => v !== undefined)
      .sort((a, b) => a - b);
    const durationSeconds = (finishedAt - started) / 1000;
    return {
      webNodes: webCount,
      scorers: scorerCount,
      submissions: uploads.length,
      csvs: uploads.filter((u) => u.kind === "csv").length,
      models: uploads.filter((u) => u.kind === "model").length,
      refused: uploads.length - accepted.length,
      uploadsPerNode: webNodes.map((_, i) => accepted.filter((u) => u.node === i).length),
      scored: rows.filter((r) => r.status === "scored").length,
      failed: rows.filter((r) => r.status === "failed").length,
      lost,
      duplicates,
      reclaimedJobs: jobs.filter((j) => j.attempts > 1).length,
      lostLeases: scorerSlots.flat().reduce((n, w) => n + w.events.filter((e) => e.type === "lost").length, 0),
      kills,
      completedPerScorerSlot: scorerSlots.map((s) => s.reduce((n, w) => n + w.events.filter((e) => e.type === "completed").length, 0)),
      durationSeconds,
      throughputPerSecond: rows.length / durationSeconds,
      latencyMs: { p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95), max: latencies[latencies.length - 1] ?? NaN },
      metrics,
      problems,
    };
  } catch (error) {
    for (const node of webNodes) log(`web node ${node.base} output (last lines):\n${node.output.slice(-15).join("\n")}`);
    throw error;
  } finally {
    await db?.$disconnect();
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        log(`clean-up: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}

/** `npm start` (scripts/start.ts, run the way the tsx CLI runs it but in one process) for one web node. */
async function startWebNode(options: { dataDir: string; env: Record<string, string> }): Promise<WebNode> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "start.ts")], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      ...options.env,
      DATA_DIR: options.dataDir,
      PORT: String(port),
      HOST: "127.0.0.1",
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      // No proxy in front of the rehearsal: the socket's peer is the client.
      TRUST_PROXY_HOPS: "0",
      EMBEDDED_SCORER: "0",
      QUICK_BASELINES_ON_START: "0",
      CNN_BASELINE_ON_START: "0",
    },
  });
  const output: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    readline.createInterface({ input: stream }).on("line", (line) => {
      output.push(line);
      if (output.length > 200) output.shift();
    });
  }
  return { child, base: `http://127.0.0.1:${port}`, dataDir: options.dataDir, output };
}

/** /api/ready answers 200 once the database, the bucket and the dataset all answer. */
async function waitReady(node: WebNode, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (node.child.exitCode !== null)
      throw new Error(`web node ${node.base} exited (${node.child.exitCode}):\n${node.output.slice(-20).join("\n")}`);
    try {
      if ((await fetch(`${node.base}/api/ready`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(300);
  }
  throw new Error(`web node ${node.base} not ready within ${timeoutMs} ms:\n${node.output.slice(-20).join("\n")}`);
}

async function stopProcess(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Did this worker claim a job it has not finished, released or lost yet? */
function holdsJob(w: WorkerProcess): boolean {
  const open = new Set<string>();
  for (const e of w.events) {
    if (e.type === "claimed") open.add(e.jobId);
    else if ("jobId" in e) open.delete(e.jobId);
  }
  return open.size > 0;
}

async function scrapeMetrics(base: string, token: string, at: MetricsSample["at"]): Promise<MetricsSample> {
  const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  const text = await res.text();
  const sum = (name: string, labels: RegExp = /.*/) =>
    text
      .split("\n")
      .filter((line) => line.startsWith(name) && labels.test(line))
      .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(" ") + 1)), 0);
  return {
    at,
    queueDone: sum('tp_queue_jobs{state="done"}'),
    queueQueued: sum('tp_queue_jobs{state="queued"}'),
    queueRunning: sum('tp_queue_jobs{state="running"}'),
    httpRequests: sum("tp_http_request_duration_seconds_count"),
    uploadRequests: sum(
      "tp_http_request_duration_seconds_count",
      /method="POST".*route="\/api\/submissions"|route="\/api\/submissions".*method="POST"/,
    ),
  };
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const f = pgConnectionFields(adminUrl);
  const client = new pg.Client({ host: f.host, port: f.port, user: f.user, password: f.password, database: f.database });
  client.on("error", () => {});
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end().catch(() => {});
  }
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
