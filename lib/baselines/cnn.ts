import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ATTRIBUTES, CLASSES, IMAGE_BYTES, IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH, REAL_DATASET, type Attribute } from "../challenge/definition";
import { loadTensorCache } from "../dataset/load-tensor-cache";
import { readTrainLabels } from "../dataset/read-train-labels";
import { createZipWriter } from "../dataset/zip-writer";
import { createReferenceCnn } from "../ml/reference-cnn";
import { saveLayersModel } from "../ml/model-io";
import { selectTrainingBackend } from "../ml/select-backend";
import { encodeTrainLabels } from "./encode-train-labels";
import { evaluatePredictions } from "./evaluate-predictions";
import { balancedClassWeights } from "./softmax-regression";
import { createRandom, shuffleInPlace, splitHoldout } from "./split-holdout";
import type { BaselineArtifact, BaselineDefinition, BaselineRunOptions, ValidationReport } from "./types";

/**
 * The multitask CNN baseline: lib/ml's reference CNN (shared conv trunk, one softmax head per
 * attribute) trained on the patched wasm backend (or tfjs-node) with Adam, a class-weighted
 * cross-entropy per head (n/a rows weigh 0 for that head) and a light augmentation (random
 * horizontal flip). Submitted as a tfjs-layers model bundle with its manifest, so the scorer runs
 * it in the sandbox like any participant's model.
 *
 * Memory: the whole train cache is loaded (fine for the synthetic defaults; the real 2.9 GB
 * cache would want streaming batches).
 */
export const cnnBaseline: BaselineDefinition = {
  name: "cnn",
  title: "Multitask CNN (reference architecture)",
  description:
    "Four conv blocks (batch norm, ReLU, max pool), global average pooling and three softmax heads, trained from scratch in TypeScript on the CPU (tfjs wasm with our training kernels), class-weighted losses, flip augmentation.",
  defaultEpochs: 6,
  run: runCnnBaseline,
};

const BATCH = 32;
const LEARNING_RATE = 2e-3;

export async function runCnnBaseline(options: BaselineRunOptions & { maxTrainImages?: number }): Promise<BaselineArtifact> {
  const started = performance.now();
  const { cacheDir } = options;
  const epochs = Math.max(1, options.epochs ?? cnnBaseline.defaultEpochs);
  const seed = options.seed ?? 1;
  const { tf } = await selectTrainingBackend();
  const labels = encodeTrainLabels({ rows: await readTrainLabels(cacheDir) });
  const train = await loadTensorCache(cacheDir, "train");
  const split = splitHoldout({ count: train.meta.count, seed });
  const trainRows = options.maxTrainImages ? split.train.slice(0, options.maxTrainImages) : split.train;
  const weights = {} as Record<Attribute, Float64Array>;
  for (const a of ATTRIBUTES) weights[a] = balancedClassWeights({ labels: labels[a], rows: trainRows, classes: CLASSES[a].length, cap: 10 });

  const model = createReferenceCnn(tf, { seed });
  const optimizer = tf.train.adam(LEARNING_RATE);
  const random = createRandom(seed + 2);
  const mean = REAL_DATASET.mean;
  const std = REAL_DATASET.std;

  /** Images `rows` of `pixels` as a normalised NHWC batch, optionally flipped left-right at random. */
  const toBatch = (pixels: Uint8Array, rows: ArrayLike<number>, augment: boolean): Float32Array => {
    const x = new Float32Array(rows.length * IMAGE_BYTES);
    for (let i = 0; i < rows.length; i++) {
      const src = rows[i] * IMAGE_BYTES;
      const dst = i * IMAGE_BYTES;
      const flip = augment && random() < 0.5;
      for (let y = 0; y < IMAGE_HEIGHT; y++) {
        for (let xx = 0; xx < IMAGE_WIDTH; xx++) {
          const s = src + (y * IMAGE_WIDTH + (flip ? IMAGE_WIDTH - 1 - xx : xx)) * 3;
          const d = dst + (y * IMAGE_WIDTH + xx) * 3;
          for (let c = 0; c < 3; c++) x[d + c] = (pixels[s + c] / 255 - mean[c]) / std[c];
        }
      }
    }
    return x;
  };

  const predictRows = (pixels: Uint8Array, rows: ArrayLike<number>): Record<Attribute, Uint8Array> => {
    const out = {} as Record<Attribute, Uint8Array>;
    for (const a of ATTRIBUTES) out[a] = new Uint8Array(rows.length);
    for (let start = 0; start < rows.length; start += 64) {
      const chunk = Array.from({ length: Math.min(64, rows.length - start) }, (_, i) => rows[start + i]);
      const probs = tf.tidy(() => {
        const x = tf.tensor4d(toBatch(pixels, chunk, false), [chunk.length, IMAGE_HEIGHT, IMAGE_WIDTH, IMAGE_CHANNELS]);
        const ys = model.predict(x) as import("@tensorflow/tfjs").Tensor[];
        return ys.map((y) => y.argMax(-1));
      });
      ATTRIBUTES.forEach((a, k) => out[a].set(probs[k].dataSync() as Int32Array, start));
      tf.dispose(probs);
    }
    return out;
  };

  let validation: ValidationReport | undefined;
  const order = Int32Array.from(trainRows);
  const batches = Math.ceil(order.length / BATCH);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    shuffleInPlace(order, random);
    let lossSum = 0;
    for (let b = 0; b < batches; b++) {
      const rows = order.subarray(b * BATCH, Math.min(order.length, (b + 1) * BATCH));
      const n = rows.length;
      const x = toBatch(train.pixels, rows, true);
      const loss = tf.tidy(() => {
        const xt = tf.tensor4d(x, [n, IMAGE_HEIGHT, IMAGE_WIDTH, IMAGE_CHANNELS]);
        const targets = ATTRIBUTES.map((a) => {
          const k = CLASSES[a].length;
          const t = new Float32Array(n * k);
          const w = new Float32Array(n);
          for (let i = 0; i < n; i++) {
            const y = labels[a][rows[i]];
            if (y >= 0) {
              t[i * k + y] = 1;
              w[i] = weights[a][y];
            }
          }
          return { t: tf.tensor2d(t, [n, k]), w: tf.tensor1d(w) };
        });
        return optimizer.minimize(() => {
          const outs = model.apply(xt, { training: true }) as import("@tensorflow/tfjs").Tensor[];
          const terms = outs.map((p, k) => {
            const ce = tf.neg(tf.sum(tf.mul(targets[k].t, tf.log(tf.clipByValue(p, 1e-7, 1 - 1e-7))), -1));
            return tf.div(tf.sum(tf.mul(ce, targets[k].w)), n);
          });
          return tf.addN(terms).div(ATTRIBUTES.length) as import("@tensorflow/tfjs").Scalar;
        }, true)!;
      });
      lossSum += (await loss.data())[0];
      loss.dispose();
      options.onProgress?.(`epoch ${epoch} images`, Math.min(order.length, (b + 1) * BATCH), order.length);
    }
    const predicted = predictRows(train.pixels, split.holdout);
    const position = new Map<number, number>();
    split.holdout.forEach((row, i) => position.set(row, i));
    validation = evaluatePredictions({ labels, rows: split.holdout, predict: (a, row) => predicted[a][position.get(row)!] });
    options.onEpoch?.({ epoch, epochs, loss: lossSum / batches, validation });
  }

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tp-cnn-"));
  try {
    const saved = await saveLayersModel(model, path.join(dir, "model"), { manifest: { mean: [...mean], std: [...std], scale: 1 / 255, name: "cnn baseline" } });
    const zipPath = path.join(dir, "cnn.zip");
    const zip = await createZipWriter(zipPath);
    for (const file of [saved.modelJson, saved.weights, saved.manifest!]) await zip.add(path.basename(file), fs.readFileSync(file), { compress: true });
    await zip.finish();
    return { kind: "model", fileName: "cnn.zip", bytes: fs.readFileSync(zipPath), validation: validation!, trainSeconds: (performance.now() - started) / 1000 };
  } finally {
    model.dispose();
    optimizer.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
