import { checkWeights, describeLayersTopology } from "../models/check-tfjs-model";
import type { ModelBundleLimits } from "../models/limits";
import { CONDITION_SIZE, GENERATOR_LATENT_SIZE, MAX_GENERATOR_BATCH, type GeneratorManifest } from "./generator-manifest";

/**
 * Static checks of a tfjs-layers generator's model.json against its manifest, before tfjs
 * allocates anything (at upload and again in the sandbox on the files it loads): the weight
 * groups match their files and the per-tensor limit (lib/models/check-tfjs-model.ts), every layer
 * class is a tfjs built-in, and the inputs are what the platform feeds: a functional model's
 * input layers are exactly latent.input ([N, 64]) and, when declared, condition.input ([N, 10]);
 * a Sequential model has one input, so it can only be unconditional (latent.input then only
 * labels it). The image output (named, or the only one) is checked for shape in the sandbox,
 * where tfjs has computed it. Returns the problems, the weight files in load order and the
 * inputs in the order model.predict takes them.
 */
export interface CheckGeneratorTfjsResult {
  errors: string[];
  weightFiles: string[];
  /** "latent" or "condition" per model input, in the model's input order. */
  feeds: ("latent" | "condition")[];
  fixedBatch?: number;
}

export function checkGeneratorTfjs(options: {
  modelJson: unknown;
  fileSizes: ReadonlyMap<string, number>;
  manifest: GeneratorManifest;
  limits: Pick<ModelBundleLimits, "maxNodes" | "maxDepth" | "maxTensorBytes">;
}): CheckGeneratorTfjsResult {
  const { modelJson, manifest, limits } = options;
  const file = manifest.model;
  const errors: string[] = [];
  const none = { errors, weightFiles: [], feeds: [] };
  if (!isObject(modelJson)) return { ...none, errors: [`${file}: expected a JSON object`] };
  const topology = modelJson.modelTopology;
  if (!isObject(topology)) return { ...none, errors: [`${file}: modelTopology: missing (expected an object)`] };
  if (Array.isArray(topology.node) || modelJson.format === "graph-model")
    return {
      ...none,
      errors: [`${file}: this is a tfjs graph model; generators are accepted as tfjs-layers models (model.save of a LayersModel)`],
    };
  if (typeof modelJson.format === "string" && modelJson.format !== "layers-model")
    errors.push(`${file}: format: "${modelJson.format}" is not a tfjs layers model ("layers-model")`);
  const weightFiles = checkWeights(modelJson.weightsManifest, file, file, options.fileSizes, limits, errors);
  const described = describeLayersTopology(topology, file, limits, errors);
  if (!described) return { errors, weightFiles, feeds: [] };

  const wanted = [
    { feed: "latent" as const, field: "latent.input", name: manifest.latent.input, width: GENERATOR_LATENT_SIZE },
    ...(manifest.condition
      ? [{ feed: "condition" as const, field: "condition.input", name: manifest.condition.input, width: CONDITION_SIZE }]
      : []),
  ];
  const names = described.inputs.map((i) => JSON.stringify(i.name)).join(", ") || "none";
  const feeds: ("latent" | "condition")[] = [];
  const batches = new Set<number>();
  if (described.sequential && manifest.condition)
    errors.push(
      `${file}: a Sequential model has one input; a conditional generator needs a functional model with inputs "${manifest.latent.input}" and "${manifest.condition.input}"`,
    );
  for (const input of described.inputs) {
    const w = described.sequential ? wanted[0] : wanted.find((x) => x.name === input.name);
    if (!w) {
      errors.push(
        `${file}: input "${input.name}" is not fed by the platform (it feeds ${wanted.map((x) => `"${x.name}"`).join(" and ")}); ${manifest.condition ? "" : 'a conditional model declares "condition": {"input": ...} in manifest.json; '}remove other inputs`,
      );
      continue;
    }
    feeds.push(w.feed);
    const shape = input.shape;
    if (shape && (shape.length !== 2 || (shape[1] !== null && shape[1] !== w.width)))
      errors.push(
        `${file}: input "${input.name}" is declared [${shape.map((d) => d ?? "null").join(", ")}]; it must be [null, ${w.width}]`,
      );
    if (shape && typeof shape[0] === "number" && shape[0] > 0) batches.add(shape[0]);
  }
  for (const w of wanted)
    if (!described.sequential && !described.inputs.some((i) => i.name === w.name))
      errors.push(`manifest.json: ${w.field}: the model has no input "${w.name}"; its inputs are ${names}`);
  const fixedBatch = batches.size === 1 ? [...batches][0] : undefined;
  if (batches.size > 1) errors.push(`${file}: the inputs declare different fixed batch sizes (${[...batches].join(", ")})`);
  if (fixedBatch !== undefined && fixedBatch > MAX_GENERATOR_BATCH)
    errors.push(
      `${file}: a fixed batch of ${fixedBatch} images is over the limit of ${MAX_GENERATOR_BATCH}; leave the batch dimension null`,
    );

  const outputs = described.outputNames;
  if (manifest.output.name !== undefined && !outputs.includes(manifest.output.name))
    errors.push(
      `manifest.json: output.name: the model has no output "${manifest.output.name}"; its outputs are ${outputs.map((o) => JSON.stringify(o)).join(", ")}`,
    );
  else if (manifest.output.name === undefined && outputs.length !== 1)
    errors.push(
      `manifest.json: output.name: missing; the model has ${outputs.length} outputs (${outputs.map((o) => JSON.stringify(o)).join(", ")}), name the image output`,
    );
  return { errors, weightFiles, feeds, fixedBatch };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
