import fs from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { ATTRIBUTES, CLASSES, REAL_DATASET, type Attribute } from "@/lib/challenge/definition";
import { MANIFEST_FILE_NAME, type Manifest, validateManifest } from "@/lib/models/manifest";

/**
 * Saving and loading tfjs layers models as files without tfjs-node (whose `file://` handler is
 * the only one tfjs ships for Node): custom IO handlers (`tf.io.withSaveHandler`,
 * `tf.io.fromMemory`) with our own file writing. The folder holds the standard tfjs layout that
 * `tf.loadLayersModel` of a model.json understands and that the scorer's tfjs-layers path
 * accepts (lib/models/check-tfjs-model.ts, scorer/sandbox/tfjs-runner.ts):
 *   model.json   { format: "layers-model", modelTopology, weightsManifest: [{ paths: ["weights.bin"], weights }] }
 *   weights.bin  all weights, concatenated little-endian in weightsManifest order
 *   manifest.json (optional) how the scorer feeds images and reads the three heads
 */

export const MODEL_FILE_NAME = "model.json";
export const WEIGHTS_FILE_NAME = "weights.bin";

/** What the manifest needs beyond the model itself. Defaults: scale 1/255, the dataset's mean/std. */
export interface ManifestOptions {
  scale?: number;
  mean?: [number, number, number];
  std?: [number, number, number];
  channelOrder?: "RGB" | "BGR";
  /**
   * Output of each attribute: an output name or index, and its class order (default: the
   * canonical order of lib/challenge/definition.ts). Default output: the model output named
   * after the attribute if there is one, else outputs 0, 1, 2 in ATTRIBUTES order.
   */
  outputs?: Partial<Record<Attribute, { output?: string | number; classes?: string[]; slice?: [number, number] }>>;
  batchSize?: number;
  name?: string;
  description?: string;
}

export interface SavedModelFiles {
  dir: string;
  modelJson: string;
  weights: string;
  manifest?: string;
  weightBytes: number;
}

/** The manifest.json object for a layers model saved by saveLayersModel (validated). */
export function buildLayersManifest(model: tf.LayersModel, options: ManifestOptions = {}): Manifest {
  const outputNames = model.outputNames;
  const outputs = Object.fromEntries(
    ATTRIBUTES.map((attr, i) => {
      const given = options.outputs?.[attr] ?? {};
      const output = given.output ?? (outputNames.includes(attr) ? attr : i);
      const head: Record<string, unknown> = { output, classes: given.classes ?? [...CLASSES[attr]] };
      if (given.slice) head.slice = given.slice;
      return [attr, head];
    }),
  );
  const manifest = {
    format: "tfjs-layers",
    model: MODEL_FILE_NAME,
    input: {
      layout: "NHWC",
      scale: options.scale ?? 1 / 255,
      mean: options.mean ?? [...REAL_DATASET.mean],
      std: options.std ?? [...REAL_DATASET.std],
      channelOrder: options.channelOrder ?? "RGB",
    },
    outputs,
    ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    ...(options.name !== undefined ? { name: options.name } : {}),
    ...(options.description !== undefined ? { description: options.description } : {}),
  };
  const checked = validateManifest(manifest);
  if (!checked.ok) throw new Error(`buildLayersManifest: invalid manifest:\n${checked.errors.join("\n")}`);
  return checked.manifest;
}

/** Writes a file atomically (temporary name, then rename), so a crash never leaves half a model. */
function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/**
 * Saves `model` into `dir` (created if needed) as model.json + weights.bin, plus manifest.json
 * when `manifest` is given (pass `{}` for the defaults; `false` or omitted: no manifest).
 */
export async function saveLayersModel(
  model: tf.LayersModel,
  dir: string,
  options: { manifest?: ManifestOptions | false } = {},
): Promise<SavedModelFiles> {
  fs.mkdirSync(dir, { recursive: true });
  let saved: SavedModelFiles | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as tf.io.ModelJSON["modelTopology"],
        format: artifacts.format ?? "layers-model",
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [WEIGHTS_FILE_NAME], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig) modelJson.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
      const weightsPath = path.join(dir, WEIGHTS_FILE_NAME);
      const modelPath = path.join(dir, MODEL_FILE_NAME);
      writeFileAtomic(weightsPath, new Uint8Array(weightData));
      writeFileAtomic(modelPath, JSON.stringify(modelJson));
      saved = { dir, modelJson: modelPath, weights: weightsPath, weightBytes: weightData.byteLength };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON", weightDataBytes: weightData.byteLength } };
    }),
  );
  if (!saved) throw new Error("saveLayersModel: tfjs did not call the save handler");
  if (options.manifest) {
    const manifestPath = path.join(dir, MANIFEST_FILE_NAME);
    writeFileAtomic(manifestPath, `${JSON.stringify(buildLayersManifest(model, options.manifest), null, 2)}\n`);
    saved.manifest = manifestPath;
  }
  return saved;
}

/** Reads a model.json and its weight files (in weightsManifest order) into tfjs model artifacts. */
export function readModelArtifacts(modelJsonPath: string): tf.io.ModelArtifacts {
  const json = JSON.parse(fs.readFileSync(modelJsonPath, "utf8")) as tf.io.ModelJSON;
  const baseDir = path.dirname(modelJsonPath);
  const groups = json.weightsManifest ?? [];
  const buffers: Buffer[] = [];
  for (const g of groups) for (const p of g.paths) buffers.push(fs.readFileSync(path.join(baseDir, p)));
  const all = Buffer.concat(buffers);
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    trainingConfig: json.trainingConfig,
    userDefinedMetadata: json.userDefinedMetadata,
    weightSpecs: groups.flatMap((g) => g.weights),
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
  };
}

/** Loads a layers model from a folder written by saveLayersModel (or any tfjs layers model.json). */
export async function loadLayersModel(dirOrModelJson: string, options: { strict?: boolean } = {}): Promise<tf.LayersModel> {
  const modelJsonPath = dirOrModelJson.endsWith(".json") ? dirOrModelJson : path.join(dirOrModelJson, MODEL_FILE_NAME);
  return tf.loadLayersModel(tf.io.fromMemory(readModelArtifacts(modelJsonPath)), { strict: options.strict ?? true });
}
