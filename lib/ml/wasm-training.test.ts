import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { registerWasmTrainingKernels, unregisterWasmTrainingKernels } from "./register-wasm-training-kernels";
import { selectTrainingBackend } from "./select-backend";
import { randomArray, relativeError } from "../../test-support/ml/compare-backends";

/**
 * Gradient check of whole training steps: the same small CNN (strided and padded convs, batch
 * norm, ReLU, max and average pooling, dense, two softmax heads) from the same initial weights,
 * trained a few steps on the same batches on the patched wasm backend and on the cpu backend,
 * must end with the same weights (and give the same gradients on the way).
 */

const INPUT: [number, number, number] = [20, 18, 3];
const BATCH = 6;

/** Seeded Glorot initial weights: an unseeded start made the Adam comparison's margin vary from run to run. */
const init = (seed: number) => ({ kernelInitializer: tf.initializers.glorotUniform({ seed }) });

function buildModel(): tf.LayersModel {
  const input = tf.input({ shape: INPUT });
  let h = tf.layers.conv2d({ filters: 12, kernelSize: 3, padding: "same", useBias: false, ...init(1) }).apply(input) as tf.SymbolicTensor;
  h = tf.layers.batchNormalization().apply(h) as tf.SymbolicTensor;
  h = tf.layers.reLU().apply(h) as tf.SymbolicTensor;
  h = tf.layers.maxPooling2d({ poolSize: 2 }).apply(h) as tf.SymbolicTensor;
  h = tf.layers
    .conv2d({ filters: 16, kernelSize: 3, strides: 2, padding: "valid", activation: "relu", ...init(2) })
    .apply(h) as tf.SymbolicTensor;
  h = tf.layers.conv2d({ filters: 8, kernelSize: [1, 3], padding: "same", activation: "relu", ...init(3) }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.averagePooling2d({ poolSize: 2, padding: "same" }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.flatten().apply(h) as tf.SymbolicTensor;
  h = tf.layers.dense({ units: 10, activation: "relu", ...init(4) }).apply(h) as tf.SymbolicTensor;
  const a = tf.layers.dense({ units: 2, activation: "softmax", name: "a", ...init(5) }).apply(h) as tf.SymbolicTensor;
  const b = tf.layers.dense({ units: 3, activation: "softmax", name: "b", ...init(6) }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: [a, b] });
}

interface Run {
  weights: Float32Array[];
  grads: Float32Array[];
  losses: number[];
}

async function train(backend: "cpu" | "wasm", initial: Float32Array[], optimizer: () => tf.Optimizer, steps: number): Promise<Run> {
  await tf.setBackend(backend);
  const model = buildModel();
  model.setWeights(initial.map((w, i) => tf.tensor(w, model.getWeights()[i].shape)));
  model.compile({ optimizer: optimizer(), loss: ["categoricalCrossentropy", "categoricalCrossentropy"] });
  const batch = (step: number) => {
    const x = tf.tensor4d(randomArray(BATCH * INPUT[0] * INPUT[1] * INPUT[2], 1000 + step, 0, 1), [BATCH, ...INPUT]);
    const ya = tf.oneHot(
      tf.tensor1d(
        Array.from({ length: BATCH }, (_, i) => (i + step) % 2),
        "int32",
      ),
      2,
    );
    const yb = tf.oneHot(
      tf.tensor1d(
        Array.from({ length: BATCH }, (_, i) => (i * 2 + step) % 3),
        "int32",
      ),
      3,
    );
    return { x, ys: [ya, yb] };
  };

  // Gradients of the first batch w.r.t. every trainable weight (BN in training mode).
  const { x: x0, ys: ys0 } = batch(0);
  // A LayerVariable's read() returns its backing tf.Variable, typed as the Tensor it extends.
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { grads } = tf.variableGrads(() => {
    const out = model.apply(x0, { training: true }) as tf.Tensor[];
    return tf.add<tf.Scalar>(tf.losses.softmaxCrossEntropy(ys0[0], tf.log(out[0])), tf.losses.softmaxCrossEntropy(ys0[1], tf.log(out[1])));
  }, variables);
  const gradArrays = Object.values(grads).map((g) => g.dataSync() as Float32Array);
  tf.dispose([x0, ...ys0, ...Object.values(grads)]);

  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const { x, ys } = batch(step);
    const loss = await model.trainOnBatch(x, ys);
    losses.push(Array.isArray(loss) ? loss[0] : loss);
    tf.dispose([x, ...ys]);
  }
  const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
  model.dispose();
  return { weights, grads: gradArrays, losses };
}

let initial: Float32Array[];

beforeAll(async () => {
  const b = await selectTrainingBackend();
  expect(b.backend).toBe("wasm");
  await tf.setBackend("cpu");
  const m = buildModel();
  initial = m.getWeights().map((w) => w.dataSync().slice() as Float32Array);
  m.dispose();
  await tf.setBackend("wasm");
});

describe("training on patched wasm matches the cpu backend", () => {
  it("same gradients and, after 4 SGD steps, the same weights", async () => {
    const cpu = await train("cpu", initial, () => tf.train.sgd(0.05), 4);
    const wasm = await train("wasm", initial, () => tf.train.sgd(0.05), 4);
    await tf.setBackend("wasm");
    expect(cpu.grads.length).toBeGreaterThan(0);
    expect(wasm.grads.length).toBe(cpu.grads.length);
    expect(wasm.weights.length).toBe(cpu.weights.length);
    expect(wasm.losses).toHaveLength(4);
    cpu.grads.forEach((g, i) => expect(relativeError(wasm.grads[i], g), `gradient ${i}`).toBeLessThanOrEqual(1e-4));
    cpu.weights.forEach((w, i) => expect(relativeError(wasm.weights[i], w), `weight ${i}`).toBeLessThanOrEqual(1e-4));
    wasm.losses.forEach((l, i) => expect(Math.abs(l - cpu.losses[i])).toBeLessThanOrEqual(1e-4 * Math.abs(cpu.losses[i])));
    // and it learned something: the weights moved
    expect(relativeError(wasm.weights[0], initial[0])).toBeGreaterThan(1e-3);
  });

  it("after 4 Adam steps the weights agree to a small fraction of the learning rate", async () => {
    const lr = 1e-3;
    const cpu = await train("cpu", initial, () => tf.train.adam(lr), 4);
    const wasm = await train("wasm", initial, () => tf.train.adam(lr), 4);
    await tf.setBackend("wasm");
    // Adam divides by sqrt(v): a weight's step is ~lr whatever its gradient's scale, so compare
    // absolute differences to the total step size (4 * lr).
    expect(cpu.weights.length).toBeGreaterThan(0);
    expect(wasm.weights.length).toBe(cpu.weights.length);
    let worst = 0;
    cpu.weights.forEach((w, i) => {
      for (let j = 0; j < w.length; j++) worst = Math.max(worst, Math.abs(wasm.weights[i][j] - w[j]));
    });
    expect(worst).toBeLessThanOrEqual(0.01 * lr);
  });
});

describe("replacement gradients match tfjs-core's own", () => {
  it("FusedBatchNorm, Mean and Sum gradients on the cpu backend, before and after registration", async () => {
    await tf.setBackend("cpu");
    const x = tf.tensor4d(randomArray(3 * 7 * 5 * 4, 9, -2, 3), [3, 7, 5, 4]);
    const gamma = tf.tensor1d([0.5, 1.5, -1, 2]);
    const beta = tf.tensor1d([0.1, -0.2, 0.3, 0]);
    const w = tf.tensor4d(randomArray(3 * 7 * 5 * 4, 10), [3, 7, 5, 4]);
    const f = (xx: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const { mean, variance } = tf.moments(xx, [0, 1, 2]);
      const y = tf.batchNorm(xx, mean, variance, b, g, 1e-3);
      return tf.add(tf.sum(tf.mul(y, w)), tf.mean(tf.mul(tf.sum(tf.square(xx), [1, 2]), 0.1)));
    };
    const grads = () =>
      tf
        .grads(f)([x, gamma, beta])
        .map((t) => t.dataSync() as Float32Array);
    unregisterWasmTrainingKernels();
    const stock = grads();
    registerWasmTrainingKernels();
    const ours = grads();
    expect(ours).toHaveLength(3);
    expect(stock).toHaveLength(3);
    stock.forEach((g, i) => expect(relativeError(ours[i], g), `input ${i}`).toBeLessThanOrEqual(1e-5));
    await tf.setBackend("wasm");
  });
});
