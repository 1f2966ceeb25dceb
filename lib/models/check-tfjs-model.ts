import path from "node:path";
import { ATTRIBUTES } from "@/lib/challenge/definition";
import { inputShapeProblem } from "./check-onnx-model";
import { TFJS_GRAPH_OPS, TFJS_LAYERS_CLASSES } from "./known-ops";
import { formatBytes, type ModelBundleLimits } from "./limits";
import type { Manifest } from "./manifest";

/**
 * Static checks of a tfjs `model.json` (layers or graph) and its weight files, before tfjs
 * allocates anything: every weight's byte size follows from its dtype and shape, each weight
 * group's files must hold exactly those bytes, no declared tensor may exceed the limit, layers
 * must be tfjs built-ins (custom layers need participant code) and graph ops must be ones
 * tfjs-converter implements. Pure function: it runs in the web server at upload and again in
 * the sandbox on the files it actually loads.
 */

export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string };
}

export interface TfjsModelSummary {
  kind: "layers" | "graph";
  /** Weight files in load order, relative to the bundle root (posix separators). */
  weightFiles: string[];
  inputNames: string[];
  outputNames: string[];
}

export type CheckTfjsModelResult = { ok: true; summary: TfjsModelSummary } | { ok: false; errors: string[] };

type Json = Record<string, unknown>;

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };
const QUANTIZED_BYTES: Record<string, number> = { uint8: 1, uint16: 2, float16: 2 };

export function checkTfjsModel(options: {
  modelJson: unknown;
  /** Path of model.json inside the bundle (posix), e.g. "model.json". */
  modelPath: string;
  /** Size of every file in the bundle by posix path. */
  fileSizes: ReadonlyMap<string, number>;
  manifest: Manifest;
  limits: Pick<ModelBundleLimits, "maxNodes" | "maxDepth" | "maxTensorBytes">;
}): CheckTfjsModelResult {
  const { modelJson, modelPath, fileSizes, manifest, limits } = options;
  const file = modelPath;
  const errors: string[] = [];
  if (!isObject(modelJson)) return { ok: false, errors: [`${file}: expected a JSON object`] };
  const topology = modelJson.modelTopology;
  if (!isObject(topology)) return { ok: false, errors: [`${file}: modelTopology: missing (expected an object)`] };

  const looksLikeGraph = Array.isArray(topology.node);
  const kind = manifest.format === "tfjs-graph" ? "graph" : "layers";
  if (looksLikeGraph !== (kind === "graph")) {
    return {
      ok: false,
      errors: [
        `${file}: this is a tfjs ${looksLikeGraph ? "graph" : "layers"} model but manifest.json says "format": "${manifest.format}"; use "${looksLikeGraph ? "tfjs-graph" : "tfjs-layers"}"`,
      ],
    };
  }
  if (typeof modelJson.format === "string") {
    const expected = kind === "graph" ? "graph-model" : "layers-model";
    if (modelJson.format !== expected)
      errors.push(`${file}: format: "${modelJson.format}" does not match manifest format "${manifest.format}" (expected "${expected}")`);
  }

  const weightFiles = checkWeights(modelJson.weightsManifest, file, modelPath, fileSizes, limits, errors);

  let inputNames: string[] = [];
  let outputNames: string[] = [];
  try {
    if (kind === "layers") ({ inputNames, outputNames } = checkLayersTopology(topology, file, manifest, limits, errors));
    else ({ inputNames, outputNames } = checkGraphTopology(modelJson, topology, file, manifest, limits, errors));
  } catch (e) {
    if (!(e instanceof LimitError)) throw e;
    errors.push(`${file}: ${e.message}`);
  }

  if (errors.length) return { ok: false, errors };
  return { ok: true, summary: { kind, weightFiles, inputNames, outputNames } };
}

class LimitError extends Error {}

/**
 * Keras writes a few `class_name`s that are metadata, not code (dtype policies, tuple markers).
 * They are not in tfjs's registry; refusing them would refuse ordinary converted Keras models.
 * If tfjs cannot handle one, loading fails in the sandbox with its own message.
 */
const KERAS_METADATA_CLASSES = new Set(["DTypePolicy", "FloatDTypePolicy", "Policy", "__tuple__"]);

/** Checks the weight groups against the files (also used for tfjs generators); returns the weight files in load order. */
export function checkWeights(
  weightsManifest: unknown,
  file: string,
  modelPath: string,
  fileSizes: ReadonlyMap<string, number>,
  limits: Pick<ModelBundleLimits, "maxTensorBytes">,
  errors: string[],
): string[] {
  if (weightsManifest === undefined) return [];
  if (!Array.isArray(weightsManifest)) {
    errors.push(`${file}: weightsManifest: expected an array of weight groups`);
    return [];
  }
  const baseDir = path.posix.dirname(modelPath);
  const weightFiles: string[] = [];
  weightsManifest.forEach((group: unknown, gi) => {
    const where = `${file}: weightsManifest[${gi}]`;
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      errors.push(`${where}: expected { "paths": [...], "weights": [...] }`);
      return;
    }
    let declared = 0;
    let specsOk = true;
    group.weights.forEach((w: unknown, wi) => {
      const bytes = weightSpecBytes(w, `${where}.weights[${wi}]`, limits, errors);
      if (bytes === undefined) specsOk = false;
      else declared += bytes;
    });
    let actual = 0;
    let filesOk = true;
    group.paths.forEach((p: unknown, pi) => {
      const resolved = typeof p === "string" ? resolveWeightPath(baseDir, p) : undefined;
      if (!resolved) {
        errors.push(`${where}.paths[${pi}]: ${JSON.stringify(p)} is not a plain relative file path inside the bundle`);
        filesOk = false;
        return;
      }
      const size = fileSizes.get(resolved);
      if (size === undefined) {
        errors.push(`${where}.paths[${pi}]: weights file "${resolved}" is missing from the bundle`);
        filesOk = false;
        return;
      }
      if (weightFiles.includes(resolved)) {
        errors.push(`${where}.paths[${pi}]: weights file "${resolved}" is listed twice`);
        filesOk = false;
        return;
      }
      weightFiles.push(resolved);
      actual += size;
    });
    if (specsOk && filesOk && declared !== actual) {
      errors.push(
        `${where}: the weights listed need ${declared.toLocaleString("en")} bytes (dtype x shape) but the file(s) ${group.paths.join(", ")} hold ${actual.toLocaleString("en")} bytes`,
      );
    }
  });
  return weightFiles;
}

/** Stored bytes of one weight, or undefined (with an error pushed) when the spec is unusable. */
function weightSpecBytes(
  w: unknown,
  where: string,
  limits: Pick<ModelBundleLimits, "maxTensorBytes">,
  errors: string[],
): number | undefined {
  if (!isObject(w) || typeof w.name !== "string" || !Array.isArray(w.shape) || typeof w.dtype !== "string") {
    errors.push(`${where}: expected { "name": string, "shape": number[], "dtype": string }`);
    return undefined;
  }
  if (!w.shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
    errors.push(`${where} ("${w.name}"): shape ${JSON.stringify(w.shape)} must be non-negative integers`);
    return undefined;
  }
  const elements = (w.shape as number[]).reduce((a, b) => a * b, 1);
  let perElement: number | undefined;
  if (isObject(w.quantization)) {
    perElement = QUANTIZED_BYTES[String(w.quantization.dtype)];
    if (perElement === undefined) {
      errors.push(
        `${where} ("${w.name}"): unsupported quantization dtype ${JSON.stringify(w.quantization.dtype)} (expected uint8, uint16 or float16)`,
      );
      return undefined;
    }
  } else {
    perElement = DTYPE_BYTES[w.dtype];
    if (perElement === undefined) {
      errors.push(`${where} ("${w.name}"): unsupported dtype "${w.dtype}" (expected float32, int32, bool or complex64)`);
      return undefined;
    }
  }
  // Quantized weights are expanded to float32 when loaded: that is the size that gets allocated.
  const allocated = elements * Math.max(perElement, isObject(w.quantization) ? 4 : perElement);
  if (allocated > limits.maxTensorBytes) {
    errors.push(
      `${where} ("${w.name}"): declared shape [${(w.shape as number[]).join(", ")}] ${w.dtype} is ${formatBytes(allocated)}, over the per-tensor limit of ${formatBytes(limits.maxTensorBytes)}`,
    );
    return undefined;
  }
  return elements * perElement;
}

/** Resolves a weightsManifest path against model.json's folder; undefined if it leaves the bundle. */
export function resolveWeightPath(baseDir: string, p: string): string | undefined {
  if (!p || p.includes("\\") || p.includes("\0") || p.startsWith("/") || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(p)) return undefined;
  const joined = path.posix.normalize(path.posix.join(baseDir, p));
  if (joined === "." || joined.startsWith("../") || joined === ".." || joined.startsWith("/")) return undefined;
  return joined;
}

function checkLayersTopology(
  topologyIn: Json,
  file: string,
  manifest: Manifest,
  limits: Pick<ModelBundleLimits, "maxNodes" | "maxDepth">,
  errors: string[],
): { inputNames: string[]; outputNames: string[] } {
  const described = describeLayersTopology(topologyIn, file, limits, errors);
  if (!described) return { inputNames: [], outputNames: [] };
  const { inputs, outputNames, sequential } = described;
  const inputNames = inputs.map((i) => i.name);
  if (!sequential && inputNames.length !== 1)
    errors.push(`${file}: the model has ${inputNames.length} inputs; it must take exactly one image input`);
  const problem = inputShapeProblem(inputs[0]?.shape ?? null, manifest.input.layout);
  if (problem) errors.push(`${file}: input "${inputNames[0]}" ${problem}`);
  checkOutputRefs(outputNames, file, manifest, errors, (name) => outputNames.includes(name));
  return { inputNames, outputNames };
}

export interface LayersTopology {
  sequential: boolean;
  /** Input layers in the model's input order, with their declared batch shape (null: undeclared). */
  inputs: { name: string; shape: (number | null)[] | null }[];
  outputNames: string[];
}

/**
 * The parts of a tfjs-layers topology every check needs, after refusing classes that are not
 * tfjs built-ins and configurations over the limits (errors pushed). Undefined when it has no
 * layers at all (also an error). Shared with the generation track's tfjs generators.
 */
export function describeLayersTopology(
  topologyIn: Json,
  file: string,
  limits: Pick<ModelBundleLimits, "maxNodes" | "maxDepth">,
  errors: string[],
): LayersTopology | undefined {
  const topology = isObject(topologyIn.model_config) ? topologyIn.model_config : topologyIn;
  // Every `class_name` anywhere (layers, nested models, initializers, constraints, activations,
  // the optimizer in training_config) is deserialised by name from tfjs's registry.
  const unknown = new Set<string>();
  let count = 0;
  const walk = (v: unknown, depth: number) => {
    if (depth > limits.maxDepth) throw new LimitError(`configuration nested deeper than ${limits.maxDepth} levels`);
    if (Array.isArray(v)) {
      for (const x of v) walk(x, depth + 1);
    } else if (isObject(v)) {
      if (++count > limits.maxNodes * 10) throw new LimitError(`configuration has too many objects (over ${limits.maxNodes * 10})`);
      if (typeof v.class_name === "string" && !TFJS_LAYERS_CLASSES.has(v.class_name) && !KERAS_METADATA_CLASSES.has(v.class_name))
        unknown.add(v.class_name);
      for (const x of Object.values(v)) walk(x, depth + 1);
    }
  };
  try {
    walk(topologyIn, 0);
  } catch (e) {
    if (!(e instanceof LimitError)) throw e;
    errors.push(`${file}: ${e.message}`);
    return undefined;
  }
  if (unknown.size) {
    errors.push(`${file}: uses class(es) that are not built into tfjs-layers: ${[...unknown].join(", ")}; custom layers are not supported`);
  }

  const config = isObject(topology.config) ? topology.config : undefined;
  const layers =
    config && Array.isArray(config.layers)
      ? (config.layers as unknown[]).filter(isObject)
      : Array.isArray(topology.config)
        ? (topology.config as unknown[]).filter(isObject)
        : [];
  if (layers.length === 0) {
    errors.push(`${file}: modelTopology has no layers`);
    return undefined;
  }
  const layerName = (l: Json) =>
    isObject(l.config) && typeof l.config.name === "string" ? l.config.name : typeof l.name === "string" ? l.name : "";
  const shapeOf = (l: Json | undefined): (number | null)[] | null => {
    const c = l && isObject(l.config) ? l.config : {};
    const s = c.batch_input_shape ?? c.batch_shape;
    return Array.isArray(s) ? s.map((d) => (typeof d === "number" ? d : null)) : null;
  };

  if (topology.class_name === "Sequential") {
    return {
      sequential: true,
      inputs: [{ name: layerName(layers[0]), shape: shapeOf(layers[0]) }],
      outputNames: [layerName(layers[layers.length - 1])],
    };
  }
  const refNames = (v: unknown) => (Array.isArray(v) ? v.map((r) => (Array.isArray(r) ? String(r[0]) : "")) : []);
  return {
    sequential: false,
    inputs: refNames(config?.input_layers).map((name) => ({ name, shape: shapeOf(layers.find((l) => layerName(l) === name)) })),
    outputNames: refNames(config?.output_layers),
  };
}

function checkGraphTopology(
  modelJson: Json,
  topology: Json,
  file: string,
  manifest: Manifest,
  limits: Pick<ModelBundleLimits, "maxNodes">,
  errors: string[],
): { inputNames: string[]; outputNames: string[] } {
  const nodes = (topology.node as unknown[]).filter(isObject);
  const allNodes: Json[] = [...nodes];
  const library = isObject(topology.library) ? topology.library : {};
  for (const fn of Array.isArray(library.function) ? library.function : []) {
    if (isObject(fn) && Array.isArray(fn.nodeDef)) allNodes.push(...fn.nodeDef.filter(isObject));
  }
  if (isObject(modelJson.modelInitializer) && Array.isArray(modelJson.modelInitializer.node)) {
    allNodes.push(...modelJson.modelInitializer.node.filter(isObject));
  }
  if (allNodes.length > limits.maxNodes) throw new LimitError(`more than ${limits.maxNodes} graph nodes`);
  const unknown = new Set<string>();
  for (const n of allNodes) {
    const op = typeof n.op === "string" ? n.op : "";
    if (!TFJS_GRAPH_OPS.has(op)) unknown.add(op || "(missing op)");
  }
  if (unknown.size) {
    errors.push(`${file}: uses op(s) that tfjs-converter does not implement: ${[...unknown].join(", ")}; custom ops are not supported`);
  }

  const nodeName = (n: Json) => (typeof n.name === "string" ? n.name : "");
  const consumed = new Set<string>();
  for (const n of nodes) {
    for (const i of Array.isArray(n.input) ? n.input : []) {
      if (typeof i === "string") consumed.add(i.replace(/^\^/, "").replace(/:\d+$/, ""));
    }
  }
  const placeholders = nodes.filter((n) => n.op === "Placeholder" && !(Array.isArray(n.input) && n.input.length));
  const inputNames = placeholders.map(nodeName);
  // Same rule as tfjs-converter: without a signature, outputs are the nodes nobody consumes.
  const signature = isObject(modelJson.signature) ? modelJson.signature : undefined;
  const sigOutputs = signature && isObject(signature.outputs) ? signature.outputs : undefined;
  const outputNames = sigOutputs
    ? Object.values(sigOutputs).map((o) => (isObject(o) && typeof o.name === "string" ? o.name.replace(/:\d+$/, "") : ""))
    : nodes.filter((n) => !consumed.has(nodeName(n))).map(nodeName);

  const wanted = manifest.input.name?.replace(/:\d+$/, "");
  const input = wanted ? placeholders.find((n) => nodeName(n) === wanted) : placeholders.length === 1 ? placeholders[0] : undefined;
  if (!input) {
    errors.push(
      wanted
        ? `${file}: has no input "${wanted}" (manifest input.name); its inputs are ${inputNames.map((n) => JSON.stringify(n)).join(", ") || "(none)"}`
        : `${file}: has ${placeholders.length} inputs (${inputNames.join(", ")}); name the image input in manifest.json input.name`,
    );
  } else {
    const problem = inputShapeProblem(graphPlaceholderShape(input), manifest.input.layout);
    if (problem) errors.push(`${file}: input "${nodeName(input)}" ${problem}`);
  }
  const nodeNames = new Set(nodes.map(nodeName));
  checkOutputRefs(outputNames, file, manifest, errors, (name) => nodeNames.has(name.replace(/:\d+$/, "")));
  return { inputNames, outputNames };
}

function graphPlaceholderShape(n: Json): (number | null)[] | null {
  const attr = isObject(n.attr) ? n.attr : {};
  const shape = isObject(attr.shape) && isObject(attr.shape.shape) ? attr.shape.shape : undefined;
  if (!shape || shape.unknownRank) return null;
  const dims = Array.isArray(shape.dim) ? shape.dim : [];
  return dims.map((d) => {
    const size = isObject(d) ? Number(d.size) : NaN;
    return Number.isFinite(size) && size >= 0 ? size : null;
  });
}

function checkOutputRefs(outputNames: string[], file: string, manifest: Manifest, errors: string[], exists: (name: string) => boolean) {
  for (const attr of ATTRIBUTES) {
    const ref = manifest.outputs[attr].output;
    if (typeof ref === "number") {
      if (ref >= outputNames.length) {
        errors.push(
          `manifest.json: outputs.${attr}.output: index ${ref} is out of range; ${file} has ${outputNames.length} output(s): ${outputNames.map((n) => JSON.stringify(n)).join(", ")}`,
        );
      }
    } else if (!exists(ref)) {
      errors.push(
        `manifest.json: outputs.${attr}.output: ${file} has no output "${ref}"; its outputs are ${outputNames.map((n) => JSON.stringify(n)).join(", ")}`,
      );
    }
  }
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
