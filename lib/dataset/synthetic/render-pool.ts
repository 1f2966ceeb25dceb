/**
 * Renders chunks on worker threads, or in the calling thread when workers cannot start.
 *
 * Starting a worker on a TypeScript file: `new Worker(url)` and `execArgv: ['--import', 'tsx']`
 * both fail on Node 20 ("Unknown file extension .ts", tested under tsx and under vitest),
 * because loader hooks are not inherited by workers there. What works in both is a small
 * CommonJS bootstrap evaluated as the worker's code that registers tsx's CommonJS hook through
 * its API and then requires the .ts entry. If this module has been compiled to .js the entry is
 * required directly. Anything else (a bundler that moved the files, tsx missing) makes the
 * worker fail to start, and the pool falls back to rendering in the calling thread.
 */
import { Worker } from "node:worker_threads";
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { renderChunk, type ChunkResult, type ChunkTask } from "./render-chunk";

export type RenderMode = "workers" | "in-thread";

const BOOTSTRAP = `
const { workerData } = require("node:worker_threads");
if (workerData.tsxApi) require(workerData.tsxApi).register();
require(workerData.entry);
`;

/** How long a worker may take to load before we give up on workers. */
const START_TIMEOUT_MS = 30_000;

function moduleDir(): string {
  if (typeof __dirname === "string") return __dirname;
  return path.dirname(fileURLToPath(import.meta.url));
}

function findWorkerEntry(): { entry: string; tsxApi?: string } | undefined {
  const dir = moduleDir();
  const js = path.join(dir, "render-worker.js");
  if (existsSync(js)) return { entry: js };
  const ts = path.join(dir, "render-worker.ts");
  if (!existsSync(ts)) return undefined;
  try {
    const req = typeof require === "function" ? require : createRequire(import.meta.url);
    return { entry: ts, tsxApi: req.resolve("tsx/cjs/api") };
  } catch {
    return undefined;
  }
}

interface Pending {
  resolve: (r: ChunkResult) => void;
  reject: (e: Error) => void;
}

class WorkerSlot {
  private pending = new Map<number, Pending>();
  private nextId = 0;
  busy = 0;
  failure: Error | undefined;

  constructor(readonly worker: Worker) {
    worker.on("message", (msg: { id?: number; result?: ChunkResult; error?: string }) => {
      if (msg.id === undefined) return;
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      this.busy--;
      if (msg.error) p.reject(new Error(`render worker failed: ${msg.error}`));
      else p.resolve(msg.result!);
    });
    const failAll = (e: Error) => {
      this.failure = e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    worker.on("error", (e) => failAll(e instanceof Error ? e : new Error(String(e))));
    worker.on("exit", (code) => {
      if (this.pending.size) failAll(new Error(`render worker exited with code ${code}`));
    });
  }

  run(task: ChunkTask): Promise<ChunkResult> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    this.busy++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, task });
    });
  }
}

function startWorker(entry: { entry: string; tsxApi?: string }): Promise<WorkerSlot> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: entry });
    const timer = setTimeout(() => {
      cleanup();
      void worker.terminate();
      reject(new Error("render worker did not start in time"));
    }, START_TIMEOUT_MS);
    const onMessage = (msg: { ready?: boolean }) => {
      if (!msg.ready) return;
      cleanup();
      resolve(new WorkerSlot(worker));
    };
    const onError = (e: unknown) => {
      cleanup();
      void worker.terminate();
      reject(e instanceof Error ? e : new Error(String(e)));
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`render worker exited with code ${code} while starting`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
    };
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
  });
}

export interface RenderPool {
  mode: RenderMode;
  workers: number;
  /** Why workers are not used, when mode is "in-thread". */
  fallbackReason?: string;
  render(task: ChunkTask): Promise<ChunkResult>;
  close(): Promise<void>;
}

/** Starts `workers` render workers (0 = render in the calling thread). */
export async function createRenderPool(options: { workers: number }): Promise<RenderPool> {
  if (options.workers > 0) {
    const entry = findWorkerEntry();
    let reason = "render-worker entry or tsx not found";
    if (entry) {
      const started = await Promise.allSettled(Array.from({ length: options.workers }, () => startWorker(entry)));
      const slots = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
      const failed = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
      if (!failed) return workerPool(slots);
      await Promise.all(slots.map((s) => s.worker.terminate()));
      reason = failed.reason instanceof Error ? failed.reason.message : String(failed.reason);
    }
    return inThreadPool(reason);
  }
  return inThreadPool("workers: 0 requested");
}

function workerPool(slots: WorkerSlot[]): RenderPool {
  return {
    mode: "workers",
    workers: slots.length,
    render(task) {
      // Least busy worker; ties go to the first, so work spreads evenly.
      let best = slots[0];
      for (const s of slots) if (s.busy < best.busy) best = s;
      return best.run(task);
    },
    async close() {
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}

function inThreadPool(reason: string): RenderPool {
  return {
    mode: "in-thread",
    workers: 0,
    fallbackReason: reason,
    async render(task) {
      // Let pending file writes run between chunks.
      await new Promise((r) => setImmediate(r));
      return renderChunk(task);
    },
    async close() {},
  };
}
