import { emitInferenceLayers } from "./build-inference-graph";
import type { NetworkState } from "./init-parameters";
import { DEFAULT_BATCH_NORM_EPSILON } from "./network-spec";
import { OnnxGraphBuilder } from "./onnx-graph-builder";
import { describeVae, type VaeSpec } from "./vae-spec";

/**
 * A trained VAE's decoder as a plain ONNX inference model, the generator a participant submits:
 * input `latent` [N, latent] (symbolic batch), output `images` [N, H * upscale, W * upscale, C]
 * (NHWC, the decoder's range: [0, 1] behind a sigmoid). Batch norm is folded into the convs.
 *
 * - `latentTransform`: the platform feeds standard normal latents; z' = mean + z x matrix maps
 *   them onto a Gaussian fitted to the training images' posterior means (a "two-stage" /
 *   ex-post density VAE: the aggregate posterior is rarely the N(0, I) prior, and sampling where
 *   the decoder was trained gives sharper, more typical images). `matrix` is row-major
 *   [latent, latent] (the transposed Cholesky factor of the covariance).
 * - `upscale`: a decoder trained on smaller images (an average-pooled copy of the data) gets a
 *   final Resize up to the full size, nearest neighbour or bilinear.
 */
export function buildVaeDecoderGraph(options: {
  spec: VaeSpec;
  state: NetworkState;
  latentTransform?: { mean: ArrayLike<number>; matrix: ArrayLike<number> };
  upscale?: number;
  upscaleMode?: "nearest" | "linear";
  inputName?: string;
  outputName?: string;
}): Uint8Array {
  const { spec, state } = options;
  describeVae(spec);
  const L = spec.latent;
  const [H, W, C] = spec.input;
  const s = options.upscale ?? 1;
  const g = new OnnxGraphBuilder();
  let z = g.input(options.inputName ?? "latent", ["N", L]);
  if (options.latentTransform) {
    const { mean, matrix } = options.latentTransform;
    if (mean.length !== L || matrix.length !== L * L) throw new Error(`latent transform: expected ${L} means and ${L}x${L} matrix`);
    z = g.op("Gemm", [z, g.floatTensor("latent_matrix", [L, L], matrix), g.floatTensor("latent_mean", [L], mean)], {}, "latent_prior");
  }
  let out = emitInferenceLayers({
    g,
    input: z,
    channels: 0,
    layers: spec.decoder,
    state,
    eps: spec.batchNormEpsilon ?? DEFAULT_BATCH_NORM_EPSILON,
  }).output;
  if (s !== 1) {
    if (!Number.isInteger(s) || s < 1) throw new Error(`upscale ${s} must be a positive integer`);
    const linear = options.upscaleMode === "linear";
    out = g.op(
      "Resize",
      [out, "", g.floatTensor("scales", [4], [1, 1, s, s])],
      linear
        ? { mode: "linear", coordinate_transformation_mode: "half_pixel" }
        : { mode: "nearest", coordinate_transformation_mode: "asymmetric", nearest_mode: "floor" },
      "upscale",
    );
  }
  const images = g.op("Transpose", [out], { perm: [0, 2, 3, 1] }, "nhwc");
  g.output(options.outputName ?? "images", images, ["N", H * s, W * s, C]);
  return g.encode(`${spec.name}_decoder`);
}
