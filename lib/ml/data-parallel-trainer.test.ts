import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { DataParallelTrainer } from "./data-parallel-trainer";
import { selectTrainingBackend } from "./select-backend";
import { randomArray, relativeError } from "../../test-support/ml/compare-backends";
import { flattenWeights } from "./train-step";

/**
 * Data-parallel training over worker threads must follow the same trajectory as the same steps
 * computed in one thread (no batch norm here: with it, per-shard statistics differ by design).
 */

const SHAPE: [number, number, number] = [16, 14, 3];
const N = 8;

function build(seed: number): tf.LayersModel {
  const input = tf.input({ shape: SHAPE });
  let h = tf.layers
    .conv2d({ filters: 6, kernelSize: 3, padding: "same", activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed }) })
    .apply(input) as tf.SymbolicTensor;
  h = tf.layers.maxPooling2d({ poolSize: 2 }).apply(h) as tf.SymbolicTensor;
  h = tf.layers
    .conv2d({
      filters: 8,
      kernelSize: 3,
      strides: 2,
      activation: "relu",
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
    })
    .apply(h) as tf.SymbolicTensor;
  h = tf.layers.globalAveragePooling2d({}).apply(h) as tf.SymbolicTensor;
  const a = tf.layers
    .dense({ units: 2, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }) })
    .apply(h) as tf.SymbolicTensor;
  const b = tf.layers
    .dense({ units: 3, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 3 }) })
    .apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: [a, b] });
}

function batch(step: number) {
  const x = randomArray(N * SHAPE[0] * SHAPE[1] * SHAPE[2], 50 + step, 0, 1);
  const ta = new Float32Array(N * 2);
  const tb = new Float32Array(N * 3);
  for (let i = 0; i < N; i++) {
    ta[i * 2 + ((i + step) % 2)] = 1;
    tb[i * 3 + ((i * 2 + step) % 3)] = 1;
  }
  // mask two labels of the second head, like unknown hair attributes
  const wb = new Float32Array(N).fill(1);
  wb[1] = 0;
  wb[6] = 0;
  return { x, shape: [N, ...SHAPE] as [number, number, number, number], targets: [ta, tb], sampleWeights: [undefined, wb] };
}

beforeAll(async () => {
  await selectTrainingBackend();
});

describe("DataParallelTrainer", () => {
  it("2 worker threads follow the single-thread trajectory", async () => {
    const run = async (workers: number) => {
      const model = build(11);
      const trainer = await DataParallelTrainer.create(model, { workers, optimizer: tf.train.adam(0.01) });
      const losses: number[] = [];
      try {
        for (let s = 0; s < 3; s++) losses.push((await trainer.trainOnBatch(batch(s))).loss);
        if (workers > 0) expect(trainer.workerBackends.every((b) => /^wasm .*patched/.test(b))).toBe(true);
        return { weights: flattenWeights(model.weights), losses };
      } finally {
        await trainer.close();
        model.dispose();
      }
    };
    const single = await run(0);
    const parallel = await run(2);
    single.losses.forEach((l, i) => expect(Math.abs(parallel.losses[i] - l)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(l))));
    expect(relativeError(parallel.weights, single.weights)).toBeLessThanOrEqual(1e-4);
    expect(single.losses[2]).toBeLessThan(single.losses[0]);
  });

  it("updates the master model's batch-norm moving statistics from the workers", async () => {
    const input = tf.input({ shape: SHAPE });
    let h = tf.layers.conv2d({ filters: 4, kernelSize: 3, useBias: false }).apply(input) as tf.SymbolicTensor;
    h = tf.layers.batchNormalization({ name: "bn" }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.globalAveragePooling2d({}).apply(h) as tf.SymbolicTensor;
    const a = tf.layers.dense({ units: 2, activation: "softmax" }).apply(h) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: a });
    const trainer = await DataParallelTrainer.create(model, { workers: 2, optimizer: tf.train.adam(0.01) });
    try {
      const b = batch(0);
      const r = await trainer.trainOnBatch({ ...b, targets: [b.targets[0]], sampleWeights: undefined });
      expect(r.timing.shardMs).toHaveLength(2);
      const movingMean = model.getLayer("bn").getWeights()[2].dataSync();
      expect(Array.from(movingMean).some((v) => v !== 0)).toBe(true);
      expect(Array.from(movingMean).every(Number.isFinite)).toBe(true);
    } finally {
      await trainer.close();
      model.dispose();
    }
  });

  it("reports a worker failure as an error instead of hanging", async () => {
    const model = build(3);
    const trainer = await DataParallelTrainer.create(model, { workers: 1, optimizer: tf.train.sgd(0.1) });
    try {
      const bad = batch(0);
      bad.targets = [bad.targets[0]]; // one target for a two-output model
      await expect(trainer.trainOnBatch(bad)).rejects.toThrow(/2 outputs but 1 targets/);
    } finally {
      await trainer.close();
      model.dispose();
    }
  });
});
