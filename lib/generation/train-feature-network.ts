import fs from "node:fs";
import path from "node:path";
import { CLASSES, REAL_DATASET } from "../challenge/definition";
import { CNN_BASELINE_MODEL, runCnnBaseline } from "../baselines/cnn";
import type { EpochReport } from "../baselines/types";
import { buildInferenceGraph, INFERENCE_INPUT } from "../ml/onnx-training/build-inference-graph";
import type { NetworkState } from "../ml/onnx-training/init-parameters";
import { describeNetwork, type NetworkSpec } from "../ml/onnx-training/network-spec";
import { createZipWriter } from "../zip/create-zip-writer";
import {
  EMBEDDING_OUTPUT,
  FEATURE_NETWORK_DESCRIPTION_FILE,
  FEATURE_NETWORK_MODEL_FILE,
  type FeatureNetworkDescription,
} from "./feature-network-bundle";

/**
 * Trains the generation track's feature network: the cnn baseline's multitask attribute CNN
 * (lib/baselines/cnn.ts, the ONNX training engine) on the prepared train split, exported with its
 * penultimate layer (the shared dense layer before its ReLU, 64 values) as the `embedding`
 * output. An attribute classifier's penultimate layer is what Inception's pool3 is to FID: a
 * space where what the labels care about (gender, hair) is spread out and pixel noise is not.
 *
 * Default 2 epochs (a few minutes on two cores for the 16,000-image synthetic train split):
 * the features need to separate portraits from non-portraits and the attributes from each
 * other, not to win the attributes leaderboard. Returns the zip's path (in `outDir`).
 */
export interface TrainFeatureNetworkResult {
  file: string;
  dimensions: number;
  /** Held-out macro-F1s of the attribute heads, epochs, seconds: FeatureNetwork.metrics. */
  metrics: Record<string, unknown>;
}

export const DEFAULT_FEATURE_NETWORK_EPOCHS = 2;

export async function trainFeatureNetwork(options: {
  cacheDir: string;
  outDir: string;
  epochs?: number;
  seed?: number;
  maxTrainImages?: number;
  onEpoch?: (report: EpochReport) => void;
}): Promise<TrainFeatureNetworkResult> {
  const epochs = options.epochs ?? DEFAULT_FEATURE_NETWORK_EPOCHS;
  let trained: { spec: NetworkSpec; state: NetworkState } | undefined;
  const artifact = await runCnnBaseline({
    cacheDir: options.cacheDir,
    epochs,
    seed: options.seed ?? 1,
    maxTrainImages: options.maxTrainImages,
    // Offsets change only the heads' biases: the embedding is the same with or without them.
    tuneOffsets: false,
    model: { ...CNN_BASELINE_MODEL, name: "feature_network" },
    onEpoch: options.onEpoch,
    onTrained: (t) => {
      trained = t;
    },
  });
  if (!trained) throw new Error("the CNN finished without reporting its weights");
  const dimensions = lastDenseUnits(trained.spec);
  const model = buildInferenceGraph({ ...trained, embeddingOutput: EMBEDDING_OUTPUT });
  const metrics = {
    epochs,
    trainSeconds: Math.round(artifact.trainSeconds),
    heldOutMacroF1: artifact.validation.main,
    heldOut: artifact.validation,
    architecture: "cnn baseline (3x3 input pooling, conv 16-32-64-128, flatten, dense 64); embedding = dense layer before its ReLU",
  };
  const description: FeatureNetworkDescription = {
    input: { name: INFERENCE_INPUT, layout: "NHWC", scale: 1 / 255, mean: [...REAL_DATASET.mean], std: [...REAL_DATASET.std] },
    output: EMBEDDING_OUTPUT,
    dimensions,
    // The heads stay in the graph (build-inference-graph.ts names each softmax output after its
    // attribute, classes in canonical order): the scorer's attribute fidelity reads them.
    heads: {
      Gender: { output: "Gender", classes: [...CLASSES.Gender] },
      Hair_Color: { output: "Hair_Color", classes: [...CLASSES.Hair_Color] },
      Hair_Type: { output: "Hair_Type", classes: [...CLASSES.Hair_Type] },
    },
    training: metrics,
  };
  fs.mkdirSync(options.outDir, { recursive: true });
  const file = path.join(fs.mkdtempSync(path.join(options.outDir, "feature-network-")), "feature-network.zip");
  const zip = await createZipWriter(file);
  await zip.add(FEATURE_NETWORK_MODEL_FILE, Buffer.from(model), { compress: true });
  await zip.add(FEATURE_NETWORK_DESCRIPTION_FILE, Buffer.from(`${JSON.stringify(description, null, 2)}\n`), { compress: true });
  await zip.finish();
  return { file, dimensions, metrics };
}

function lastDenseUnits(spec: NetworkSpec): number {
  describeNetwork(spec);
  const dense = spec.layers.filter((l) => l.kind === "dense");
  if (dense.length === 0) throw new Error(`network ${spec.name} has no dense layer`);
  const last = dense[dense.length - 1];
  return last.kind === "dense" ? last.units : 0;
}
