import { ATTRIBUTES, IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH } from "@/lib/challenge/definition";
import { ONNX_ALLOWED_DOMAINS, ONNX_DEFAULT_DOMAIN_OPS, ONNX_ML_DOMAIN_OPS } from "./known-ops";
import { formatBytes, type ModelBundleLimits } from "./limits";
import { MAX_BATCH_SIZE, type Manifest } from "./manifest";
import {
  onnxElementBytes,
  OnnxParseError,
  parseOnnxModel,
  type OnnxGraphInfo,
  type OnnxModelInfo,
  type OnnxNodeInfo,
  type OnnxTensorInfo,
  type OnnxValueInfo,
} from "./onnx-wire";

/**
 * Static checks of an ONNX model against our rules and its manifest, before onnxruntime sees it:
 * only onnxruntime's standard domains (plus functions the model defines itself), only known
 * operators, no external-data tensors (onnxruntime would open those files natively, outside
 * Node's permission model), no tensor declared bigger than the limit, and the manifest's input
 * and outputs exist. Pure function: the scorer runs it again inside the sandbox on the bytes it
 * actually loads.
 */

export interface OnnxModelSummary {
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  opsets: { domain: string; version: number }[];
  nodeCount: number;
}

export type CheckOnnxModelResult = { ok: true; summary: OnnxModelSummary } | { ok: false; errors: string[]; summary?: OnnxModelSummary };

const ONNX_FLOAT = 1;

export function checkOnnxModel(options: {
  bytes: Uint8Array;
  manifest: Manifest | null;
  limits: Pick<ModelBundleLimits, "maxNodes" | "maxDepth" | "maxTensorBytes">;
  fileName?: string;
}): CheckOnnxModelResult {
  const file = options.fileName ?? "model.onnx";
  let model: OnnxModelInfo;
  try {
    model = parseOnnxModel(options.bytes, options.limits);
  } catch (e) {
    if (e instanceof OnnxParseError) return { ok: false, errors: [`${file}: not a valid ONNX model (${e.message})`] };
    throw e;
  }
  if (!model.graph) return { ok: false, errors: [`${file}: not a valid ONNX model (it has no graph)`] };
  const graph = model.graph;
  const errors: string[] = [];

  // Functions defined in the model may be called from any node, whatever their domain.
  const localFunctions = new Set(model.functions.map((f) => `${f.domain}\u0000${f.name}`));
  const localDomains = new Set(model.functions.map((f) => f.domain));

  // Functions import opsets of their own: a custom domain there is as foreign as in the model's.
  const imported = new Set([...model.opsetImports, ...model.functions.flatMap((f) => f.opsetImports)].map((o) => o.domain));
  for (const domain of imported) {
    if (!ONNX_ALLOWED_DOMAINS.has(domain) && !localDomains.has(domain)) {
      errors.push(
        `${file}: imports the custom operator domain "${domain}"; only onnxruntime's standard domains (ai.onnx, ai.onnx.ml, com.microsoft) are allowed`,
      );
    }
  }

  const customDomainOps = new Map<string, Set<string>>();
  const unknownOps = new Map<string, Set<string>>();
  const visitNodes = (nodes: OnnxNodeInfo[]) => {
    for (const n of nodes) {
      const domain = n.domain === "ai.onnx" ? "" : n.domain;
      if (!localFunctions.has(`${n.domain}\u0000${n.opType}`)) {
        if (!ONNX_ALLOWED_DOMAINS.has(domain)) addTo(customDomainOps, n.domain, n.opType);
        else if (domain === "" && !ONNX_DEFAULT_DOMAIN_OPS.has(n.opType)) addTo(unknownOps, "ai.onnx", n.opType);
        else if (domain === "ai.onnx.ml" && !ONNX_ML_DOMAIN_OPS.has(n.opType)) addTo(unknownOps, "ai.onnx.ml", n.opType);
      }
      for (const g of n.subgraphs) visitGraph(g);
    }
  };
  const tensors: OnnxTensorInfo[] = [];
  const visitGraph = (g: OnnxGraphInfo) => {
    tensors.push(...g.initializers, ...g.attributeTensors);
    visitNodes(g.nodes);
  };
  visitGraph(graph);
  for (const f of model.functions) {
    tensors.push(...f.attributeTensors);
    visitNodes(f.nodes);
    for (const g of f.subgraphs) visitGraph(g);
  }
  for (const [domain, ops] of customDomainOps) {
    errors.push(
      `${file}: uses custom operator(s) ${[...ops].join(", ")} from domain "${domain}"; custom ops are not supported (only onnxruntime's standard domains)`,
    );
  }
  for (const [domain, ops] of unknownOps) {
    errors.push(`${file}: uses operator(s) ${[...ops].join(", ")} that are not standard ${domain} operators`);
  }

  const external = tensors.filter((t) => t.external).map((t) => t.name || "(unnamed)");
  if (external.length) {
    errors.push(`${file}: tensor(s) ${listNames(external)} use external data files; save the model with all weights inside the .onnx file`);
  }
  for (const t of tensors) {
    const bytes = declaredBytes(t);
    if (bytes > options.limits.maxTensorBytes) {
      errors.push(
        `${file}: tensor "${t.name || "(unnamed)"}" declares shape [${t.dims.join(", ")}] (${formatBytes(bytes)}), over the per-tensor limit of ${formatBytes(options.limits.maxTensorBytes)}`,
      );
    }
  }

  const initializerNames = new Set(graph.initializers.map((t) => t.name));
  const summary: OnnxModelSummary = {
    // Before IR version 4 initializers were also listed as inputs; they are not things we feed.
    inputs: graph.inputs.filter((i) => !initializerNames.has(i.name)),
    outputs: graph.outputs,
    opsets: model.opsetImports,
    nodeCount: model.nodeCount,
  };
  if (options.manifest) errors.push(...checkAgainstManifest(summary, options.manifest, file));
  return errors.length ? { ok: false, errors, summary } : { ok: true, summary };
}

function checkAgainstManifest(summary: OnnxModelSummary, manifest: Manifest, file: string): string[] {
  const errors: string[] = [];
  const input = resolveOnnxInput(summary, manifest);
  if (typeof input === "string") errors.push(`${file}: ${input}`);
  else {
    if (input.elemType !== 0 && input.elemType !== ONNX_FLOAT) {
      errors.push(`${file}: input "${input.name}" has element type ${input.elemType}; it must be float32 (type 1)`);
    }
    const problem = inputShapeProblem(input.dims, manifest.input.layout);
    if (problem) errors.push(`${file}: input "${input.name}" ${problem}`);
  }
  const names = summary.outputs.map((o) => o.name);
  for (const attr of ATTRIBUTES) {
    const head = manifest.outputs[attr];
    const out = typeof head.output === "number" ? summary.outputs[head.output] : summary.outputs.find((o) => o.name === head.output);
    if (!out) {
      errors.push(
        typeof head.output === "number"
          ? `manifest.json: outputs.${attr}.output: index ${head.output} is out of range; the model has ${names.length} output(s): ${listNames(names)}`
          : `manifest.json: outputs.${attr}.output: the model has no output "${head.output}"; its outputs are ${listNames(names)}`,
      );
      continue;
    }
    const width = out.dims && out.dims.length === 2 ? out.dims[1] : null;
    const needed = head.slice ? head.slice[1] : head.classes.length;
    if (typeof width === "number" && (head.slice ? width < needed : width !== needed)) {
      errors.push(
        `manifest.json: outputs.${attr}: output "${out.name}" is declared [${out.dims!.join(", ")}] but ${head.slice ? `the slice needs at least ${needed}` : `${needed} classes need ${needed}`} values per image`,
      );
    }
  }
  return errors;
}

/** The graph input the manifest points at, or a message saying why there is none. */
export function resolveOnnxInput(summary: Pick<OnnxModelSummary, "inputs">, manifest: Manifest): OnnxValueInfo | string {
  const names = summary.inputs.map((i) => i.name);
  if (manifest.input.name) {
    return (
      summary.inputs.find((i) => i.name === manifest.input.name) ??
      `has no input "${manifest.input.name}" (manifest input.name); its inputs are ${listNames(names)}`
    );
  }
  if (summary.inputs.length === 1) return summary.inputs[0];
  return summary.inputs.length === 0
    ? "has no graph input"
    : `has ${summary.inputs.length} inputs (${listNames(names)}); name the image input in manifest.json input.name`;
}

/** Checks a declared 4-D image input against the layout; symbolic or unknown dims are fine. */
export function inputShapeProblem(dims: (number | string | null)[] | null, layout: "NHWC" | "NCHW"): string | undefined {
  if (!dims) return undefined;
  const expected = layout === "NHWC" ? [IMAGE_HEIGHT, IMAGE_WIDTH, IMAGE_CHANNELS] : [IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH];
  const shown = `[${dims.map((d) => (d === null || d === -1 ? "?" : d)).join(", ")}]`;
  const want = `[batch, ${expected.join(", ")}] (${layout})`;
  if (dims.length !== 4) return `has shape ${shown}; expected ${want}`;
  for (let i = 0; i < 3; i++) {
    const d = dims[i + 1];
    if (typeof d === "number" && d > 0 && d !== expected[i]) return `has shape ${shown}; expected ${want}`;
  }
  // A fixed batch is fed as is (zero-padded), so it must be one the sandbox can hold: the same
  // bound as the manifest's batchSize. 1e6 images would be 109 GB of float32 input.
  const batch = dims[0];
  if (typeof batch === "number" && batch > MAX_BATCH_SIZE) {
    return `has a fixed batch dimension of ${batch}; export it with a dynamic batch axis (dynamic_axes in torch.onnx.export) or a fixed batch of at most ${MAX_BATCH_SIZE}`;
  }
  return undefined;
}

function declaredBytes(t: OnnxTensorInfo): number {
  let n = onnxElementBytes(t.dataType);
  for (const d of t.dims) n *= Math.max(0, d);
  return n;
}

function addTo(map: Map<string, Set<string>>, key: string, value: string) {
  let s = map.get(key);
  if (!s) map.set(key, (s = new Set()));
  s.add(value);
}

function listNames(names: string[]): string {
  if (names.length === 0) return "(none)";
  const shown = names.slice(0, 10).map((n) => JSON.stringify(n));
  return names.length > 10 ? `${shown.join(", ")} and ${names.length - 10} more` : shown.join(", ");
}
