import fs from "node:fs";
import path from "node:path";
import { ATTRIBUTES, CLASSES, REAL_DATASET } from "../../challenge/definition";
import { MANIFEST_FILE_NAME, validateManifest, type Manifest } from "../../models/manifest";
import { INFERENCE_INPUT } from "./build-inference-graph";
import type { NetworkSpec } from "./network-spec";

export const ONNX_MODEL_FILE_NAME = "model.onnx";

/**
 * Writes a model bundle the scorer accepts (docs/challenge.md): `model.onnx` (the inference graph
 * of build-inference-graph.ts) and `manifest.json` (format "onnx", NHWC input named `image`, the
 * scale/mean/std the training images were normalised with, each attribute read from the output
 * named after it, in the canonical class order). The spec's heads must be the three attributes.
 */
export function saveOnnxBundle(options: {
  dir: string;
  spec: NetworkSpec;
  onnx: Uint8Array;
  scale?: number;
  mean?: readonly number[];
  std?: readonly number[];
  name?: string;
  description?: string;
}): { modelFile: string; manifestFile: string; manifest: Manifest } {
  const { dir, spec } = options;
  for (const attr of ATTRIBUTES) {
    const head = spec.heads.find((h) => h.name === attr);
    if (!head || head.classes !== CLASSES[attr].length)
      throw new Error(`the network needs a head ${attr} with ${CLASSES[attr].length} classes`);
  }
  const json = {
    format: "onnx",
    model: ONNX_MODEL_FILE_NAME,
    input: {
      name: INFERENCE_INPUT,
      layout: "NHWC",
      scale: options.scale ?? 1 / 255,
      mean: [...(options.mean ?? REAL_DATASET.mean)],
      std: [...(options.std ?? REAL_DATASET.std)],
    },
    outputs: Object.fromEntries(ATTRIBUTES.map((a) => [a, { output: a, classes: [...CLASSES[a]] }])),
    ...(options.name ? { name: options.name } : {}),
    ...(options.description ? { description: options.description } : {}),
  };
  const parsed = validateManifest(json);
  if (!parsed.ok) throw new Error(`invalid manifest: ${parsed.errors.join("; ")}`);
  fs.mkdirSync(dir, { recursive: true });
  const modelFile = path.join(dir, ONNX_MODEL_FILE_NAME);
  const manifestFile = path.join(dir, MANIFEST_FILE_NAME);
  fs.writeFileSync(modelFile, options.onnx);
  fs.writeFileSync(manifestFile, `${JSON.stringify(json, null, 2)}\n`);
  return { modelFile, manifestFile, manifest: parsed.manifest };
}
