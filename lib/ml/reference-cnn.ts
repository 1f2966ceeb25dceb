import type * as tfType from "@tensorflow/tfjs";
import { ATTRIBUTES, CLASSES, IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH, type Attribute } from "@/lib/challenge/definition";

type Tf = typeof tfType;

/**
 * The reference CNN: the model of the training benchmark and the starting point of the `cnn`
 * baseline. NHWC input 108x84x3, a shared trunk of four conv blocks (3x3 conv, batch norm,
 * ReLU, 2x2 max pool; channels 12-24-48-96, so each block costs about the same), global average
 * pooling, a shared dense layer, dropout, and one softmax head per attribute, named after the
 * attribute (so a manifest can point at the outputs by name). About 40 MFLOP per image forward
 * (see countConvFlops).
 */

export interface ReferenceCnnOptions {
  /** Conv channels per block (default [12, 24, 48, 96]). */
  channels?: number[];
  /** Units of the shared dense layer (default 64). */
  denseUnits?: number;
  dropout?: number;
  /** Batch norm after each conv (default true). */
  batchNorm?: boolean;
  /** Seed of the weight initialisers, for reproducible starts. */
  seed?: number;
  /** Input shape [H, W, C] (default 108x84x3). */
  inputShape?: [number, number, number];
  /**
   * Average-pool the input by this factor before the first conv (default 1: none). A factor of
   * p makes every layer about p^2 times cheaper (the cnn baseline uses 3 and trains in minutes);
   * it is a built-in layer, so the scorer accepts the model as it is.
   */
  inputPool?: number;
  /**
   * How the last block's feature map becomes a vector: "global-average" (default) or "flatten",
   * which keeps where a feature is (hair above the face, clothes below): for fixed passport
   * framing that is information, and the map is small after the pools.
   */
  head?: "global-average" | "flatten";
  /** Model name (default "reference_cnn"). */
  name?: string;
}

export const REFERENCE_CNN_DEFAULTS = { channels: [12, 24, 48, 96], denseUnits: 64, dropout: 0.25, batchNorm: true } as const;

export function createReferenceCnn(tf: Tf, options: ReferenceCnnOptions = {}): tfType.LayersModel {
  const channels = options.channels ?? [...REFERENCE_CNN_DEFAULTS.channels];
  const denseUnits = options.denseUnits ?? REFERENCE_CNN_DEFAULTS.denseUnits;
  const dropout = options.dropout ?? REFERENCE_CNN_DEFAULTS.dropout;
  const batchNorm = options.batchNorm ?? REFERENCE_CNN_DEFAULTS.batchNorm;
  const seed = options.seed;
  let seedCounter = 0;
  const init = () => tf.initializers.heNormal({ seed: seed === undefined ? undefined : seed + seedCounter++ });
  const glorot = () => tf.initializers.glorotUniform({ seed: seed === undefined ? undefined : seed + seedCounter++ });

  const input = tf.input({ shape: options.inputShape ?? [IMAGE_HEIGHT, IMAGE_WIDTH, IMAGE_CHANNELS], name: "image" });
  let h: tfType.SymbolicTensor = input;
  const inputPool = options.inputPool ?? 1;
  if (inputPool > 1) h = tf.layers.averagePooling2d({ poolSize: inputPool, name: "input_pool" }).apply(h) as tfType.SymbolicTensor;
  channels.forEach((filters, i) => {
    h = tf.layers
      .conv2d({ filters, kernelSize: 3, padding: "same", useBias: !batchNorm, kernelInitializer: init(), name: `conv${i + 1}` })
      .apply(h) as tfType.SymbolicTensor;
    if (batchNorm) h = tf.layers.batchNormalization({ name: `bn${i + 1}` }).apply(h) as tfType.SymbolicTensor;
    h = tf.layers.reLU({ name: `relu${i + 1}` }).apply(h) as tfType.SymbolicTensor;
    if (i < channels.length - 1) h = tf.layers.maxPooling2d({ poolSize: 2, name: `pool${i + 1}` }).apply(h) as tfType.SymbolicTensor;
  });
  h = (options.head === "flatten" ? tf.layers.flatten({ name: "flatten" }) : tf.layers.globalAveragePooling2d({ name: "gap" })).apply(
    h,
  ) as tfType.SymbolicTensor;
  h = tf.layers
    .dense({ units: denseUnits, activation: "relu", kernelInitializer: init(), name: "shared" })
    .apply(h) as tfType.SymbolicTensor;
  if (dropout > 0) h = tf.layers.dropout({ rate: dropout, name: "dropout" }).apply(h) as tfType.SymbolicTensor;
  const outputs = ATTRIBUTES.map(
    (attr) =>
      tf.layers
        .dense({ units: CLASSES[attr].length, activation: "softmax", kernelInitializer: glorot(), name: attr })
        .apply(h) as tfType.SymbolicTensor,
  );
  return tf.model({ inputs: input, outputs, name: options.name ?? "reference_cnn" });
}

/** Output names of the reference CNN, in ATTRIBUTES order. */
export const REFERENCE_CNN_OUTPUTS: readonly Attribute[] = ATTRIBUTES;

export interface FlopCount {
  /** Forward FLOPs per image (multiply and add counted separately). */
  total: number;
  perLayer: { name: string; className: string; flops: number }[];
}

/**
 * Forward FLOPs per image of the convolutions and dense layers: 2*Kh*Kw*Cin*Cout*Hout*Wout per
 * Conv2D (2*Kh*Kw*C*multiplier*Hout*Wout per DepthwiseConv2D), 2*in*out per Dense (times the
 * positions when applied to more than a vector). Pooling, batch norm and activations are
 * memory-bound and left out, as is customary.
 */
export function countConvFlops(model: tfType.LayersModel): FlopCount {
  const perLayer: FlopCount["perLayer"] = [];
  for (const layer of model.layers) {
    const className = layer.getClassName();
    const cfg = layer.getConfig() as Record<string, unknown>;
    const outShape = (Array.isArray(layer.outputShape[0]) ? layer.outputShape[0] : layer.outputShape) as (number | null)[];
    const positions = (shape: (number | null)[]) => shape.slice(1, -1).reduce<number>((a, d) => a * (d ?? 1), 1);
    let flops = 0;
    if (className === "Conv2D") {
      const [kh, kw] = cfg.kernelSize as number[];
      const cin = (layer.input as tfType.SymbolicTensor).shape.at(-1) as number;
      const cout = cfg.filters as number;
      flops = 2 * kh * kw * cin * cout * positions(outShape);
    } else if (className === "DepthwiseConv2D") {
      const [kh, kw] = cfg.kernelSize as number[];
      const c = (layer.input as tfType.SymbolicTensor).shape.at(-1) as number;
      flops = 2 * kh * kw * c * ((cfg.depthMultiplier as number) ?? 1) * positions(outShape);
    } else if (className === "Dense") {
      const input = (layer.input as tfType.SymbolicTensor).shape;
      const units = cfg.units as number;
      flops = 2 * (input.at(-1) as number) * units * positions(input);
    } else {
      continue;
    }
    perLayer.push({ name: layer.name, className, flops });
  }
  return { total: perLayer.reduce((a, l) => a + l.flops, 0), perLayer };
}
