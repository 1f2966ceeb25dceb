import os from "node:os";
import { Worker } from "node:worker_threads";
import zlib from "node:zlib";
import { decodeRgbPngWith } from "./decode-rgb-png";
import { encodeRgbPngWith } from "./encode-rgb-png";

/**
 * Worker threads that decode and encode the portrait PNGs, so the prepare uses every core
 * (2 on the target machine): the main thread keeps the I/O (reading the source, the zips, the
 * caches) and the workers do the CPU work (inflate + unfilter, filter + deflate).
 *
 * Work goes in batches (one message carries many images in one transferred buffer): per
 * image, a message round trip costs about as much as decoding an 84x108 PNG.
 *
 * The workers run the very functions the main thread would (decodeRgbPngWith,
 * encodeRgbPngWith, runBatch), taken from their source text: no separate worker file to
 * compile, so it works the same under tsx, vitest and plain node. Those functions are
 * therefore kept self-contained. If a worker cannot start or dies, its batches run on the
 * main thread instead: slower, never different (same code, same bytes).
 */
export interface PngWorkerPool {
  /** Pixels of plain 8-bit RGB PNGs; `undefined` where the fast decoder refused the file. */
  decodeMany(pngs: readonly Buffer[]): Promise<(Buffer | undefined)[]>;
  /** PNGs of `count` consecutive images of width x height x 3 bytes in `pixels`. */
  encodeMany(pixels: Uint8Array, count: number, width: number, height: number): Promise<Buffer[]>;
  /** Live workers (0: everything runs on the main thread). */
  readonly workerCount: number;
  close(): Promise<void>;
}

interface BatchRequest {
  op: "decode" | "encode";
  /** Inputs back to back; item i is data[offsets[i], offsets[i + 1]). */
  data: Uint8Array;
  offsets: Int32Array;
  width?: number;
  height?: number;
}

interface BatchResult {
  data: Uint8Array;
  offsets: Int32Array;
  /** 1 where the item failed (its slice is empty). */
  failed: Uint8Array;
}

/**
 * Runs one batch. Self-contained (see above): gets zlib and the two codecs as arguments.
 */
export function runBatch(
  z: typeof zlib,
  decode: typeof decodeRgbPngWith,
  encode: typeof encodeRgbPngWith,
  req: BatchRequest,
): BatchResult {
  const count = req.offsets.length - 1;
  const outputs: (Buffer | undefined)[] = [];
  let total = 0;
  for (let i = 0; i < count; i++) {
    const input = Buffer.from(req.data.buffer, req.data.byteOffset + req.offsets[i], req.offsets[i + 1] - req.offsets[i]);
    let out: Buffer | undefined;
    try {
      out = req.op === "decode" ? decode(z, input).pixels : encode(z, input, req.width!, req.height!);
    } catch {
      out = undefined;
    }
    outputs.push(out);
    total += out ? out.length : 0;
  }
  const data = new Uint8Array(total);
  const offsets = new Int32Array(count + 1);
  const failed = new Uint8Array(count);
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const out = outputs[i];
    offsets[i] = pos;
    if (out) {
      data.set(out, pos);
      pos += out.length;
    } else {
      failed[i] = 1;
    }
  }
  offsets[count] = pos;
  return { data, offsets, failed };
}

const WORKER_SOURCE = `
"use strict";
const { parentPort } = require("node:worker_threads");
const zlib = require("node:zlib");
// esbuild (used by tsx and vitest) may wrap functions in __name() to keep their names.
var __name = (fn) => fn;
const decode = (${decodeRgbPngWith.toString()});
const encode = (${encodeRgbPngWith.toString()});
const runBatch = (${runBatch.toString()});
parentPort.on("message", (m) => {
  try {
    const r = runBatch(zlib, decode, encode, m.req);
    parentPort.postMessage({ id: m.id, ok: true, result: r }, [r.data.buffer, r.offsets.buffer, r.failed.buffer]);
  } catch (err) {
    parentPort.postMessage({ id: m.id, ok: false, message: String((err && err.message) || err) });
  }
});
`;

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
  return runBatch(zlib, decodeRgbPngWith, encodeRgbPngWith, req);
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

  for (let i = 0; i < size; i++) {
    try {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
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
    } catch {
      break; // no workers (e.g. a permission model without --allow-worker): main thread only
    }
  }

  /**
   * `rebuild` makes the request again from the caller's data: the one sent was moved to the
   * worker, and a fail-over to the main thread needs a fresh one. The request's buffers must
   * be owned by it alone (they are transferred).
   */
  function submit(rebuild: () => BatchRequest): Promise<BatchResult> {
    const req = rebuild();
    if (workers.length === 0) {
      try {
        return Promise.resolve(runHere(req));
      } catch (err) {
        return Promise.reject(err);
      }
    }
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
      const all = workers.splice(0);
      await Promise.all(all.map((pw) => pw.worker.terminate()));
    },
  };
}
