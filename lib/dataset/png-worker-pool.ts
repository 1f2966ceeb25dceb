import os from "node:os";
import type { Worker } from "node:worker_threads";
import { startWorkerThread } from "../workers/start-worker-thread";
import { runPngBatch, type PngBatchRequest as BatchRequest, type PngBatchResult as BatchResult } from "./run-png-batch";

/**
 * Worker threads that decode and encode the portrait PNGs, so the prepare uses every core
 * (2 on the target machine): the main thread keeps the I/O (reading the source, the zips, the
 * caches) and the workers do the CPU work (inflate + unfilter, filter + deflate).
 *
 * Work goes in batches (one message carries many images in one transferred buffer): per
 * image, a message round trip costs about as much as decoding an 84x108 PNG.
 *
 * The workers run png-worker.ts, started through lib/workers like every other thread of the
 * project; they run the very function the main thread would (runPngBatch). The pool is
 * returned at once and the threads start in the background (the first batch waits for them).
 * If a worker cannot start or dies, its batches run on the main thread instead: slower, never
 * different (same code, same bytes).
 */
export interface PngWorkerPool {
  /** Pixels of plain 8-bit RGB PNGs; `undefined` where the fast decoder refused the file. */
  decodeMany(pngs: readonly Buffer[]): Promise<(Buffer | undefined)[]>;
  /** PNGs of `count` consecutive images of width x height x 3 bytes in `pixels`. */
  encodeMany(pixels: Uint8Array, count: number, width: number, height: number): Promise<Buffer[]>;
  /** Live workers (0: everything runs on the main thread). Final once a batch has completed. */
  readonly workerCount: number;
  close(): Promise<void>;
}

/** The worker entry, relative to the project folder. */
export const PNG_WORKER_ENTRY = "lib/dataset/png-worker.ts";

interface Task {
  resolve: (r: BatchResult) => void;
  reject: (err: Error) => void;
  req: () => BatchRequest;
}

interface PoolWorker {
  worker: Worker;
  pending: Map<number, Task>;
}

function runHere(req: BatchRequest): BatchResult {
  return runPngBatch(req);
}

export function createPngWorkerPool(size = Math.max(1, os.availableParallelism?.() ?? os.cpus().length)): PngWorkerPool {
  const workers: PoolWorker[] = [];
  let nextId = 0;

  const retire = (pw: PoolWorker) => {
    const i = workers.indexOf(pw);
    if (i >= 0) workers.splice(i, 1);
    // Batches of a dead worker are redone here rather than failed. Their input buffers were
    // moved to the worker, so the request keeps a copy (see submit).
    for (const task of pw.pending.values()) {
      try {
        task.resolve(runHere(task.req()));
      } catch (e) {
        task.reject(e as Error);
      }
    }
    pw.pending.clear();
  };

  const attach = (worker: Worker) => {
    const pw: PoolWorker = { worker, pending: new Map() };
    worker.unref(); // never keeps the process alive
    worker.on("message", (m: { id: number; ok: boolean; result?: BatchResult; message?: string }) => {
      const task = pw.pending.get(m.id);
      if (!task) return;
      pw.pending.delete(m.id);
      if (m.ok) task.resolve(m.result!);
      else task.reject(new Error(m.message));
    });
    worker.on("error", () => retire(pw));
    worker.on("exit", () => retire(pw));
    workers.push(pw);
  };

  let closed = false;
  // Never rejects: a worker that cannot start (no project folder, a permission model without
  // --allow-worker) only means its share runs on the main thread.
  const starting = Promise.allSettled(Array.from({ length: size }, () => startWorkerThread({ entry: PNG_WORKER_ENTRY }))).then(
    (started) => {
      for (const s of started) {
        if (s.status !== "fulfilled") continue;
        if (closed) void s.value.terminate();
        else attach(s.value);
      }
    },
  );

  /**
   * `rebuild` makes the request again from the caller's data: the one sent was moved to the
   * worker, and a fail-over to the main thread needs a fresh one. The request's buffers must
   * be owned by it alone (they are transferred).
   */
  async function submit(rebuild: () => BatchRequest): Promise<BatchResult> {
    await starting;
    const req = rebuild();
    if (workers.length === 0) return runHere(req);
    let pw = workers[0];
    for (const w of workers) if (w.pending.size < pw.pending.size) pw = w;
    const id = nextId++;
    return new Promise<BatchResult>((resolve, reject) => {
      pw.pending.set(id, { resolve, reject, req: rebuild });
      // Moved, not cloned: the request's buffers belong to the worker from here on.
      pw.worker.postMessage({ id, req }, [req.data.buffer as ArrayBuffer, req.offsets.buffer as ArrayBuffer]);
    });
  }

  function split(r: BatchResult): (Buffer | undefined)[] {
    const out: (Buffer | undefined)[] = [];
    for (let i = 0; i < r.failed.length; i++) {
      out.push(r.failed[i] ? undefined : Buffer.from(r.data.buffer, r.data.byteOffset + r.offsets[i], r.offsets[i + 1] - r.offsets[i]));
    }
    return out;
  }

  return {
    async decodeMany(pngs) {
      if (pngs.length === 0) return [];
      return split(
        await submit(() => {
          const offsets = new Int32Array(pngs.length + 1);
          let total = 0;
          pngs.forEach((p, i) => {
            offsets[i] = total;
            total += p.length;
          });
          offsets[pngs.length] = total;
          const data = new Uint8Array(total);
          pngs.forEach((p, i) => data.set(p, offsets[i]));
          return { op: "decode", data, offsets };
        }),
      );
    },
    async encodeMany(pixels, count, width, height) {
      if (count === 0) return [];
      const size = width * height * 3;
      if (pixels.length < count * size) throw new Error("encodeMany: not enough pixels");
      const out = split(
        await submit(() => ({
          op: "encode",
          data: pixels.slice(0, count * size), // a copy the worker may own
          offsets: new Int32Array(count + 1).map((_, i) => i * size),
          width,
          height,
        })),
      );
      return out.map((png, i) => {
        if (!png) throw new Error(`could not encode image ${i} of the batch`);
        return png;
      });
    },
    get workerCount() {
      return workers.length;
    },
    async close() {
      closed = true;
      await starting;
      const all = workers.splice(0);
      await Promise.all(all.map((pw) => pw.worker.terminate()));
    },
  };
}
