import { describeLayers, type ActivationShape, type LayerSpec, type ParameterInfo } from "./network-spec";

/**
 * A variational autoencoder (Kingma and Welling 2014) in the engine's layer family: an encoder
 * stack on an NHWC image in [0, 1] ending in a vector, one dense layer `latent` that gives the
 * posterior's mean and log-variance (2 x latent units, side by side), and a decoder stack on the
 * latent that ends in a map of the image's shape (usually behind a sigmoid). The step graph is
 * build-vae-training-graph.ts; the exported generator is the decoder alone
 * (build-vae-decoder-graph.ts).
 */
export interface VaeSpec {
  name: string;
  /** Image [H, W, C] the VAE encodes and reconstructs (NHWC, values in [0, 1]). */
  input: [number, number, number];
  /** Latent size (the platform's generators take 64). */
  latent: number;
  encoder: LayerSpec[];
  decoder: LayerSpec[];
  /** Batch-norm epsilon (default 1e-3, Keras's). */
  batchNormEpsilon?: number;
}

/** Name of the dense layer between the encoder and the latent (its kernel is [features, 2 x latent]). */
export const VAE_LATENT_LAYER = "latent";

export interface VaeLayout {
  /** Every trainable parameter: the encoder's, the latent layer's, the decoder's (graph input and gradient order). */
  parameters: ParameterInfo[];
  batchNorms: { name: string; channels: number }[];
  encoderShapes: ActivationShape[];
  decoderShapes: ActivationShape[];
  /** Features the latent layer reads. */
  features: number;
}

export function describeVae(spec: VaeSpec): VaeLayout {
  const names = new Set<string>();
  const parameters: ParameterInfo[] = [];
  const encoder = describeLayers({ name: `${spec.name} encoder`, input: spec.input, layers: spec.encoder, names, parameters });
  if (encoder.output.length !== 1) throw new Error(`vae ${spec.name}: the encoder must end with a vector (flatten or pooling)`);
  const features = encoder.output[0];
  encoder.add(`${VAE_LATENT_LAYER}.kernel`, [features, 2 * spec.latent], "denseKernel", features, 2 * spec.latent);
  encoder.add(`${VAE_LATENT_LAYER}.bias`, [2 * spec.latent], "bias", features, 2 * spec.latent);
  const decoder = describeLayers({ name: `${spec.name} decoder`, input: [spec.latent], layers: spec.decoder, names, parameters });
  const [h, w, c] = spec.input;
  const out = decoder.output;
  if (out.length !== 3 || out[0] !== c || out[1] !== h || out[2] !== w)
    throw new Error(`vae ${spec.name}: the decoder ends with [${out}], the image is [${c},${h},${w}] (channels, height, width)`);
  if (encoder.dropouts.length || decoder.dropouts.length) throw new Error(`vae ${spec.name}: dropout is not supported in a VAE`);
  return {
    parameters,
    batchNorms: [...encoder.batchNorms, ...decoder.batchNorms],
    encoderShapes: encoder.shapes,
    decoderShapes: decoder.shapes,
    features,
  };
}
