import { IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH } from "../challenge/definition";
import type { OnnxModelSummary } from "../models/check-onnx-model";
import type { OnnxValueInfo } from "../models/onnx-wire";
import { CONDITION_SIZE, GENERATOR_LATENT_SIZE, MAX_GENERATOR_BATCH, type GeneratorManifest } from "./generator-manifest";

const ONNX_FLOAT = 1;

/**
 * The generator's declared inputs and output against its manifest: the latent input [N, 64]
 * float, the condition input [N, 10] float when declared, no other input the platform would
 * have to invent, and the image output (named, or the only output) of rank 4 in the declared
 * layout. Symbolic (or undeclared) dimensions pass here; the sandbox checks the real shapes.
 * Returns the problems (empty when fine) and the output's name.
 */
export function checkGeneratorIo(
  summary: Pick<OnnxModelSummary, "inputs" | "outputs">,
  manifest: GeneratorManifest,
  file = manifest.model,
): { errors: string[]; outputName?: string; fixedBatch?: number } {
  const errors: string[] = [];
  const names = (xs: OnnxValueInfo[]) => xs.map((x) => JSON.stringify(x.name)).join(", ") || "none";
  const wanted: { field: string; name: string; width: number }[] = [
    { field: "latent.input", name: manifest.latent.input, width: GENERATOR_LATENT_SIZE },
    ...(manifest.condition ? [{ field: "condition.input", name: manifest.condition.input, width: CONDITION_SIZE }] : []),
  ];
  const batches = new Set<number>();
  for (const w of wanted) {
    const input = summary.inputs.find((i) => i.name === w.name);
    if (!input) {
      errors.push(`manifest.json: ${w.field}: the model has no input "${w.name}"; its inputs are ${names(summary.inputs)}`);
      continue;
    }
    if (input.elemType !== 0 && input.elemType !== ONNX_FLOAT)
      errors.push(`${file}: input "${w.name}" has element type ${input.elemType}; it must be float32 (type 1)`);
    if (input.dims) {
      if (input.dims.length !== 2)
        errors.push(`${file}: input "${w.name}" has ${input.dims.length} dimensions; it must be [N, ${w.width}]`);
      else {
        const [batch, width] = input.dims;
        if (typeof width === "number" && width !== w.width)
          errors.push(`${file}: input "${w.name}" is declared [${input.dims.join(", ")}]; it must be [N, ${w.width}]`);
        if (typeof batch === "number" && batch > 0) batches.add(batch);
      }
    }
  }
  const extra = summary.inputs.filter((i) => !wanted.some((w) => w.name === i.name));
  if (extra.length)
    errors.push(
      `${file}: input(s) ${names(extra)} are not fed by the platform (it feeds ${wanted.map((w) => `"${w.name}"`).join(" and ")}); ${manifest.condition ? "" : 'a conditional model declares "condition": {"input": ...} in manifest.json; '}remove other inputs`,
    );
  const fixedBatch = batches.size === 1 ? [...batches][0] : undefined;
  if (batches.size > 1) errors.push(`${file}: the inputs declare different fixed batch sizes (${[...batches].join(", ")})`);
  if (fixedBatch !== undefined && fixedBatch > MAX_GENERATOR_BATCH)
    errors.push(
      `${file}: a fixed batch of ${fixedBatch} images is over the limit of ${MAX_GENERATOR_BATCH}; export with a dynamic batch axis`,
    );

  let output: OnnxValueInfo | undefined;
  if (manifest.output.name) {
    output = summary.outputs.find((o) => o.name === manifest.output.name);
    if (!output)
      errors.push(
        `manifest.json: output.name: the model has no output "${manifest.output.name}"; its outputs are ${names(summary.outputs)}`,
      );
  } else if (summary.outputs.length === 1) {
    output = summary.outputs[0];
  } else {
    errors.push(
      `manifest.json: output.name: missing; the model has ${summary.outputs.length} outputs (${names(summary.outputs)}), name the image output`,
    );
  }
  if (output?.dims) {
    const want =
      manifest.output.layout === "NHWC" ? [IMAGE_HEIGHT, IMAGE_WIDTH, IMAGE_CHANNELS] : [IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH];
    const dims = output.dims;
    const ok = dims.length === 4 && dims.slice(1).every((d, k) => typeof d !== "number" || d === want[k]);
    if (!ok)
      errors.push(
        `${file}: output "${output.name}" is declared [${dims.join(", ")}]; with layout ${manifest.output.layout} it must be [N, ${want.join(", ")}]`,
      );
  }
  return { errors, outputName: output?.name, fixedBatch };
}
