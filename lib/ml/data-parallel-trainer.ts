import os from "node:os";
import type { Worker } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { startWorkerThread } from "../workers/start-worker-thread";
import { assignFlatWeights, flattenWeights, shardLossAndGrads, type ShardBatch, type ShardResult } from "./train-step";

/**
 * Data-parallel training on several cores. The wasm backend runs one thread per instance in
 * Node, so one process trains on one core; this trainer splits each batch across worker
 * threads, each with its own wasm instance and a replica of the model:
 *
 *   main: weights ──► worker k: forward + backward on shard k ──► gradients ──► main: sum,
 *         optimizer step on the master weights (main thread) ──► next batch
 *
 * Each worker's loss is normalised by the whole batch size, so the summed gradients are the
 * full-batch gradients (up to batch norm, whose batch statistics are per shard: "ghost batch
 * norm", standard in data-parallel training). Batch-norm moving statistics are averaged over
 * the workers. Weights travel as one Float32Array per step (the reference CNN: ~100k values,
 * negligible next to the compute).
 *
 * With `workers: 0` the shard runs in the main thread through the same code (for comparisons).
 */

export interface DataParallelOptions {
  /** Worker threads (default: available cores). 0 = compute in the main thread. */
  workers?: number;
  /** Optimizer applied in the main thread to the master model's weights. */
  optimizer: tf.Optimizer;
  /** execArgv of the worker threads (default: the parent's, without TypeScript loaders). */
  execArgv?: string[];
}

export interface TrainBatch {
  x: Float32Array;
  shape: [number, number, number, number];
  targets: Float32Array[];
  sampleWeights?: (Float32Array | undefined)[];
}

export interface StepResult {
  loss: number;
  losses: number[];
  /** Wall-clock ms: the whole step, each shard's forward+backward, and the main thread's own work. */
  timing: { stepMs: number; shardMs: number[]; mainMs: number };
}

/** A model's topology as `toJSON(null, false)` returns it (the dict) and `modelFromJSON` takes it. */
export type ModelTopology = Exclude<ReturnType<tf.LayersModel["toJSON"]>, string>;

type ToWorker = { t: "init"; topology: ModelTopology; weights: Float32Array } | { t: "step"; weights: Float32Array; shard: ShardBatch };
type FromWorker = { t: "ready"; backend: string } | { t: "result"; result: ShardResult; ms: number } | { t: "error"; message: string };

/** The worker entry, relative to the project folder (started through lib/workers). */
export const DATA_PARALLEL_WORKER_ENTRY = "lib/ml/data-parallel-worker.ts";

class WorkerHandle {
  private pending?: { resolve: (m: FromWorker) => void; reject: (e: Error) => void };
  private failure?: Error;
  constructor(readonly worker: Worker) {
    worker.on("message", (m: FromWorker) => {
      const p = this.pending;
      this.pending = undefined;
      if (m.t === "error") p?.reject(new Error(`training worker: ${m.message}`));
      else p?.resolve(m);
    });
    worker.on("error", (e) => this.fail(e));
    worker.on("exit", (code) => {
      if (code !== 0) this.fail(new Error(`training worker exited with code ${code}`));
    });
  }
  private fail(e: Error) {
    this.failure ??= e;
    this.pending?.reject(e);
    this.pending = undefined;
  }
  request(message: ToWorker, transfer: ArrayBuffer[] = []): Promise<FromWorker> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(message, transfer);
    });
  }
}

export class DataParallelTrainer {
  private constructor(
    readonly model: tf.LayersModel,
    private readonly optimizer: tf.Optimizer,
    private readonly workers: WorkerHandle[],
    /** Backend of each worker, e.g. "wasm (SIMD on, 1 thread, training kernels patched)". */
    readonly workerBackends: string[],
  ) {}

  static async create(model: tf.LayersModel, options: DataParallelOptions): Promise<DataParallelTrainer> {
    const count = options.workers ?? os.availableParallelism?.() ?? os.cpus().length;
    // returnString false: the dict, which toJSON's declared return type does not tell apart.
    const topology = model.toJSON(null, false) as ModelTopology;
    const weights = flattenWeights(model.weights);
    const handles: WorkerHandle[] = [];
    const backends: string[] = [];
    try {
      const started = await Promise.allSettled(
        Array.from({ length: count }, () => startWorkerThread({ entry: DATA_PARALLEL_WORKER_ENTRY, execArgv: options.execArgv })),
      );
      for (const s of started) if (s.status === "fulfilled") handles.push(new WorkerHandle(s.value));
      const failed = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
      if (failed) throw failed.reason;
      const ready = await Promise.all(handles.map((h) => h.request({ t: "init", topology, weights })));
      for (const m of ready) backends.push(m.t === "ready" ? m.backend : "?");
    } catch (e) {
      await Promise.all(handles.map((h) => h.worker.terminate()));
      throw e;
    }
    return new DataParallelTrainer(model, options.optimizer, handles, backends);
  }

  get workerCount(): number {
    return this.workers.length;
  }

  /** One optimizer step on `batch`, split evenly across the workers. */
  async trainOnBatch(batch: TrainBatch): Promise<StepResult> {
    const t0 = performance.now();
    const [n, h, w, c] = batch.shape;
    const per = h * w * c;
    const parts = Math.max(1, Math.min(this.workers.length, n));
    const weights = flattenWeights(this.model.weights);
    const shards: ShardBatch[] = [];
    for (let k = 0, start = 0; k < parts; k++) {
      const size = Math.floor(n / parts) + (k < n % parts ? 1 : 0);
      const end = start + size;
      shards.push({
        x: batch.x.slice(start * per, end * per),
        shape: [size, h, w, c],
        targets: batch.targets.map((t) => t.slice((start * t.length) / n, (end * t.length) / n)),
        sampleWeights: batch.sampleWeights?.map((sw) => sw?.slice(start, end)),
        normalizer: n,
      });
      start = end;
    }

    let results: ShardResult[];
    let shardMs: number[];
    const tSend = performance.now();
    if (this.workers.length === 0) {
      results = [shardLossAndGrads(this.model, shards[0])];
      shardMs = [performance.now() - tSend];
    } else {
      const replies = await Promise.all(
        shards.map((shard, k) =>
          this.workers[k].request({ t: "step", weights: k === 0 ? weights : weights.slice(), shard }, [shard.x.buffer as ArrayBuffer]),
        ),
      );
      results = [];
      shardMs = [];
      for (const r of replies) {
        if (r.t !== "result") throw new Error("training worker: unexpected reply");
        results.push(r.result);
        shardMs.push(r.ms);
      }
    }
    const tBack = performance.now();

    // Sum the shards' gradients (each already divided by the full batch size) and step.
    const grads = results[0].grads;
    for (let k = 1; k < results.length; k++) {
      const g = results[k].grads;
      for (let i = 0; i < grads.length; i++) grads[i] += g[i];
    }
    const named: tf.NamedTensorMap = {};
    let offset = 0;
    for (const v of this.model.trainableWeights) {
      const size = v.shape.reduce((p: number, d) => p * (d as number), 1);
      named[(v.read() as tf.Variable).name] = tf.tensor(grads.subarray(offset, offset + size), v.shape as number[], "float32");
      offset += size;
    }
    this.optimizer.applyGradients(named);
    tf.dispose(Object.values(named));

    if (this.workers.length > 0 && this.model.nonTrainableWeights.length > 0) {
      const avg = results[0].nonTrainable;
      for (let k = 1; k < results.length; k++) {
        const s = results[k].nonTrainable;
        for (let i = 0; i < avg.length; i++) avg[i] += s[i];
      }
      for (let i = 0; i < avg.length; i++) avg[i] /= results.length;
      assignFlatWeights(this.model.nonTrainableWeights, avg);
    }

    const losses = results[0].losses.map((_, o) => results.reduce((a, r) => a + r.losses[o], 0));
    const end = performance.now();
    return { loss: losses.reduce((a, b) => a + b, 0), losses, timing: { stepMs: end - t0, shardMs, mainMs: tSend - t0 + (end - tBack) } };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((h) => h.worker.terminate()));
  }
}
