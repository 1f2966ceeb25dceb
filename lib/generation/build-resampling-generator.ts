import { IMAGE_BYTES, IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH } from "../challenge/definition";
import { OnnxGraphBuilder } from "../ml/onnx-training/onnx-graph-builder";
import { generatorManifest, GENERATOR_IMAGE_OUTPUT, GENERATOR_LATENT_INPUT } from "./build-linear-generator";
import { drawNormals } from "./draw-normals";
import { GENERATOR_LATENT_SIZE, type GeneratorManifest } from "./generator-manifest";

/**
 * The train-set resampling baseline: a constant table of K train images, and a generator that
 * returns table row argmax(latent x R) for a fixed random 64 x K matrix R. Each latent picks one
 * row, every row about equally often (the K projections are exchangeable), so the output is K
 * exact train images in proportion: what copying scores. The memorisation penalty must catch it
 * (its FPD alone is close to the real data's). `images` is K x 108 x 84 x 3 uint8.
 */
export function buildResamplingGenerator(options: { images: Uint8Array; count: number; seed?: number; name?: string }): {
  onnx: Uint8Array;
  manifest: GeneratorManifest;
} {
  const k = options.count;
  if (options.images.length !== k * IMAGE_BYTES) throw new Error(`${options.images.length} bytes are not ${k} images`);
  const projection = drawNormals({ seed: options.seed ?? 11, count: GENERATOR_LATENT_SIZE * k });
  const g = new OnnxGraphBuilder();
  const z = g.input(GENERATOR_LATENT_INPUT, ["N", GENERATOR_LATENT_SIZE]);
  const scores = g.op("MatMul", [z, g.floatTensor("projection", [GENERATOR_LATENT_SIZE, k], projection)]);
  const pick = g.op("ArgMax", [scores], { axis: 1, keepdims: 0 });
  const rows = g.op("Gather", [g.floatTensor("table", [k, IMAGE_BYTES], options.images), pick], { axis: 0 });
  const images = g.op("Reshape", [rows, g.ints([-1, IMAGE_HEIGHT, IMAGE_WIDTH, IMAGE_CHANNELS])]);
  g.output(GENERATOR_IMAGE_OUTPUT, images, ["N", IMAGE_HEIGHT, IMAGE_WIDTH, IMAGE_CHANNELS]);
  return { onnx: g.encode(options.name ?? "resampling_generator"), manifest: generatorManifest({ name: options.name }) };
}
