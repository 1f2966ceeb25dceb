import { IMAGE_BYTES, IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH } from "../challenge/definition";
import { OnnxGraphBuilder } from "../ml/onnx-training/onnx-graph-builder";
import { GENERATOR_LATENT_SIZE, type GeneratorManifest } from "./generator-manifest";

export const GENERATOR_LATENT_INPUT = "latent";
export const GENERATOR_IMAGE_OUTPUT = "images";

/**
 * A linear generator as an ONNX model: image = mean + latent x basis, reshaped to
 * [N, 108, 84, 3], pixel values 0..255 (the platform clips to the range). The PCA
 * ("eigenportrait") baseline is this with the top 64 principal directions scaled by their
 * standard deviations as the basis; tests use it with small random bases. `basis` is row-major
 * [64, 108*84*3].
 */
export function buildLinearGenerator(options: { mean: ArrayLike<number>; basis: ArrayLike<number>; name?: string }): {
  onnx: Uint8Array;
  manifest: GeneratorManifest;
} {
  if (options.mean.length !== IMAGE_BYTES) throw new Error(`mean has ${options.mean.length} values, expected ${IMAGE_BYTES}`);
  if (options.basis.length !== GENERATOR_LATENT_SIZE * IMAGE_BYTES)
    throw new Error(`basis has ${options.basis.length} values, expected ${GENERATOR_LATENT_SIZE} x ${IMAGE_BYTES}`);
  const g = new OnnxGraphBuilder();
  const z = g.input(GENERATOR_LATENT_INPUT, ["N", GENERATOR_LATENT_SIZE]);
  const flat = g.op("Add", [
    g.op("MatMul", [z, g.floatTensor("basis", [GENERATOR_LATENT_SIZE, IMAGE_BYTES], options.basis)]),
    g.floatTensor("mean", [IMAGE_BYTES], options.mean),
  ]);
  const images = g.op("Reshape", [flat, g.ints([-1, IMAGE_HEIGHT, IMAGE_WIDTH, IMAGE_CHANNELS])]);
  g.output(GENERATOR_IMAGE_OUTPUT, images, ["N", IMAGE_HEIGHT, IMAGE_WIDTH, IMAGE_CHANNELS]);
  return { onnx: g.encode(options.name ?? "linear_generator"), manifest: generatorManifest({ name: options.name }) };
}

/** The manifest of the generators built here (unconditional, NHWC, 0..255). */
export function generatorManifest(options: { name?: string; range?: GeneratorManifest["output"]["range"] } = {}): GeneratorManifest {
  return {
    format: "onnx",
    model: "model.onnx",
    latent: { input: GENERATOR_LATENT_INPUT, size: GENERATOR_LATENT_SIZE },
    output: { name: GENERATOR_IMAGE_OUTPUT, layout: "NHWC", range: options.range ?? "[0,255]" },
    ...(options.name ? { name: options.name } : {}),
  };
}
