/**
 * Renders chunks on worker threads (render-worker.ts, started through lib/workers like every
 * other thread of the project), or in the calling thread when workers cannot start (no project
 * folder to bundle the entry from, a permission model without --allow-worker).
 */
import type { Worker } from "node:worker_threads";
import { startWorkerThread } from "../../workers/start-worker-thread";
import { renderChunk, type ChunkResult, type ChunkTask } from "./render-chunk";

export type RenderMode = "workers" | "in-thread";

/** The worker entry, relative to the project folder. */
export const RENDER_WORKER_ENTRY = "lib/dataset/synthetic/render-worker.ts";

/** How long a worker may take to load before we give up on workers. */
const START_TIMEOUT_MS = 30_000;

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

async function startWorker(): Promise<WorkerSlot> {
  const worker = await startWorkerThread({ entry: RENDER_WORKER_ENTRY });
  return new Promise((resolve, reject) => {
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
    const started = await Promise.allSettled(Array.from({ length: options.workers }, () => startWorker()));
    const slots = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (!failed) return workerPool(slots);
    await Promise.all(slots.map((s) => s.worker.terminate()));
    return inThreadPool(failed.reason instanceof Error ? failed.reason.message : String(failed.reason));
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
