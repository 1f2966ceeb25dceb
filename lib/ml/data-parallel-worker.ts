import { parentPort } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import type { ModelTopology } from "./data-parallel-trainer";
import { selectTrainingBackend } from "./select-backend";
import { assignFlatWeights, shardLossAndGrads, type ShardBatch } from "./train-step";

/**
 * Worker thread of DataParallelTrainer: its own wasm instance (patched training kernels) and a
 * replica of the model; per step it takes the master weights and a shard, and returns the
 * shard's gradients, losses and batch-norm statistics.
 */

type Message = { t: "init"; topology: ModelTopology; weights: Float32Array } | { t: "step"; weights: Float32Array; shard: ShardBatch };

let model: tf.LayersModel | undefined;
const port = parentPort!;

port.on("message", (m: Message) => void handleMessage(m));

async function handleMessage(m: Message): Promise<void> {
  try {
    if (m.t === "init") {
      const backend = await selectTrainingBackend();
      model = await tf.models.modelFromJSON({ modelTopology: m.topology });
      assignFlatWeights(model.weights, m.weights);
      port.postMessage({ t: "ready", backend: backend.description });
    } else {
      if (!model) throw new Error("step before init");
      const t0 = performance.now();
      assignFlatWeights(model.weights, m.weights);
      const result = shardLossAndGrads(model, m.shard);
      port.postMessage({ t: "result", result, ms: performance.now() - t0 }, [
        result.grads.buffer as ArrayBuffer,
        result.nonTrainable.buffer as ArrayBuffer,
      ]);
    }
  } catch (e) {
    port.postMessage({ t: "error", message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
}
