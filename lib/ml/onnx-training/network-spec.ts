/**
 * The layer family the ONNX training engine builds graphs for: the layers our CNNs use, in order,
 * on an NHWC image input, followed by softmax heads that share the trunk's output. Convolutions
 * are square, stride 1, 'same' padding, without bias unless `bias` is set (a batch norm usually
 * follows them); pools have stride = size and no padding (floor, like Keras's 'valid' and
 * PyTorch's default).
 *
 * The generator layers (a VAE's decoder, build-vae-training-graph.ts): `reshape` turns a vector
 * into a [C, H, W] map, `upsample` repeats each pixel size x size times (nearest neighbour; its
 * gradient is a sum pool), `sigmoid` and `tanh` squash an output into (0, 1) or (-1, 1).
 */
export type LayerSpec =
  | { kind: "conv"; name: string; filters: number; kernel: number; bias?: boolean }
  | { kind: "batchNorm"; name: string }
  | { kind: "relu" }
  | { kind: "maxPool"; size: number }
  | { kind: "avgPool"; size: number }
  | { kind: "globalAvgPool" }
  | { kind: "flatten" }
  | { kind: "dense"; name: string; units: number }
  | { kind: "dropout"; name: string; rate: number }
  | { kind: "upsample"; size: number }
  | { kind: "reshape"; shape: [number, number, number] }
  | { kind: "sigmoid" }
  | { kind: "tanh" };

export interface HeadSpec {
  /** Output name of the head (the attribute: Gender, Hair_Color, Hair_Type). */
  name: string;
  classes: number;
}

export interface NetworkSpec {
  name: string;
  /** Input [H, W, C] (NHWC images, as normaliseImages produces them). */
  input: [number, number, number];
  layers: LayerSpec[];
  heads: HeadSpec[];
  /** Batch-norm epsilon (default 1e-3, Keras's). */
  batchNormEpsilon?: number;
}

export type ParameterRole = "convKernel" | "denseKernel" | "bias" | "gamma" | "beta";

export interface ParameterInfo {
  /** `conv1.kernel`, `bn1.gamma`, `Gender.bias`, ... */
  name: string;
  /** Conv kernels [Co, Ci, K, K] (ONNX's layout), dense kernels [in, out] (Keras's). */
  shape: number[];
  size: number;
  role: ParameterRole;
  fanIn: number;
  fanOut: number;
}

/** Per-image activation shape: [C, H, W] for maps, [F] for vectors. */
export type ActivationShape = [number, number, number] | [number];

export interface NetworkLayout {
  /** Trainable parameters in a fixed order (the order of graph inputs and gradients). */
  parameters: ParameterInfo[];
  /** Batch-norm layers and their channel counts (running statistics live in JavaScript). */
  batchNorms: { name: string; channels: number }[];
  /** Dropout layers and their per-image mask size. */
  dropouts: { name: string; rate: number; size: number }[];
  /** Activation shape after each layer. */
  shapes: ActivationShape[];
  /** Features the heads read. */
  features: number;
}

export const DEFAULT_BATCH_NORM_EPSILON = 1e-3;

export function describeNetwork(spec: NetworkSpec): NetworkLayout {
  const stack = describeLayers({ name: spec.name, input: spec.input, layers: spec.layers });
  const { shapes, batchNorms, dropouts } = stack;
  const shape = stack.output;
  if (shape.length !== 1) throw new Error(`network ${spec.name}: the trunk must end with a vector (flatten or global average pooling)`);
  const features = shape[0];
  for (const head of spec.heads) {
    stack.add(`${head.name}.kernel`, [features, head.classes], "denseKernel", features, head.classes);
    stack.add(`${head.name}.bias`, [head.classes], "bias", features, head.classes);
  }
  return { parameters: stack.parameters, batchNorms, dropouts, shapes, features };
}

export interface LayerStackLayout {
  parameters: ParameterInfo[];
  batchNorms: NetworkLayout["batchNorms"];
  dropouts: NetworkLayout["dropouts"];
  shapes: ActivationShape[];
  output: ActivationShape;
  /** Adds one more parameter (checked for duplicates): heads, a VAE's other half. */
  add(name: string, shape: number[], role: ParameterRole, fanIn: number, fanOut: number): void;
}

/**
 * The parameters and activation shapes of a stack of layers on an input of [H, W, C] (an NHWC
 * image) or [F] (a vector: a decoder's latent). `names` is shared between stacks of one model so
 * a duplicate parameter name is refused across them.
 */
export function describeLayers(options: {
  name: string;
  input: [number, number, number] | [number];
  layers: LayerSpec[];
  names?: Set<string>;
  parameters?: ParameterInfo[];
}): LayerStackLayout {
  const { name: net } = options;
  const input = options.input;
  let shape: ActivationShape = input.length === 3 ? [input[2], input[0], input[1]] : [input[0]];
  const parameters: ParameterInfo[] = options.parameters ?? [];
  const batchNorms: NetworkLayout["batchNorms"] = [];
  const dropouts: NetworkLayout["dropouts"] = [];
  const shapes: ActivationShape[] = [];
  const names = options.names ?? new Set<string>();
  const add = (name: string, shape: number[], role: ParameterRole, fanIn: number, fanOut: number) => {
    if (names.has(name)) throw new Error(`network ${net}: duplicate parameter ${name}`);
    names.add(name);
    parameters.push({ name, shape, size: shape.reduce((a, d) => a * d, 1), role, fanIn, fanOut });
  };
  const map = (what: string): [number, number, number] => {
    if (shape.length !== 3) throw new Error(`network ${net}: ${what} needs a feature map, got a vector`);
    return shape;
  };
  for (const layer of options.layers) {
    switch (layer.kind) {
      case "conv": {
        const [c, h, w] = map(layer.name);
        if (layer.kernel % 2 !== 1) throw new Error(`${layer.name}: only odd kernels ('same' padding)`);
        add(
          `${layer.name}.kernel`,
          [layer.filters, c, layer.kernel, layer.kernel],
          "convKernel",
          c * layer.kernel ** 2,
          layer.filters * layer.kernel ** 2,
        );
        if (layer.bias) add(`${layer.name}.bias`, [layer.filters], "bias", c * layer.kernel ** 2, layer.filters);
        shape = [layer.filters, h, w];
        break;
      }
      case "batchNorm": {
        const [c] = map(layer.name);
        add(`${layer.name}.gamma`, [c], "gamma", 1, 1);
        add(`${layer.name}.beta`, [c], "beta", 1, 1);
        batchNorms.push({ name: layer.name, channels: c });
        break;
      }
      case "relu":
      case "sigmoid":
      case "tanh":
        break;
      case "maxPool":
      case "avgPool": {
        const [c, h, w] = map(layer.kind);
        if (h < layer.size || w < layer.size) throw new Error(`${layer.kind} ${layer.size} on a ${h}x${w} map`);
        shape = [c, Math.floor(h / layer.size), Math.floor(w / layer.size)];
        break;
      }
      case "upsample": {
        const [c, h, w] = map("upsample");
        if (!Number.isInteger(layer.size) || layer.size < 2) throw new Error(`upsample: size ${layer.size} must be an integer >= 2`);
        shape = [c, h * layer.size, w * layer.size];
        break;
      }
      case "reshape": {
        if (shape.length !== 1) throw new Error(`network ${net}: reshape needs a vector`);
        const size = layer.shape.reduce((a, d) => a * d, 1);
        if (size !== shape[0]) throw new Error(`reshape of ${shape[0]} values to [${layer.shape}] (${size})`);
        shape = [...layer.shape];
        break;
      }
      case "globalAvgPool":
        shape = [map("globalAvgPool")[0]];
        break;
      case "flatten": {
        const [c, h, w] = map("flatten");
        shape = [c * h * w];
        break;
      }
      case "dense": {
        if (shape.length !== 1) throw new Error(`${layer.name}: dense needs a vector (flatten or pool first)`);
        add(`${layer.name}.kernel`, [shape[0], layer.units], "denseKernel", shape[0], layer.units);
        add(`${layer.name}.bias`, [layer.units], "bias", shape[0], layer.units);
        shape = [layer.units];
        break;
      }
      case "dropout":
        dropouts.push({ name: layer.name, rate: layer.rate, size: shape.reduce((a, d) => a * d, 1) });
        break;
    }
    shapes.push(shape);
  }
  return { parameters, batchNorms, dropouts, shapes, output: shape, add };
}

/** Forward multiply-adds x 2 per image (convolutions and dense layers), like countConvFlops. */
export function countNetworkFlops(spec: NetworkSpec): number {
  const layout = describeNetwork(spec);
  let flops = countLayerFlops({ layers: spec.layers, layout });
  for (const head of spec.heads) flops += 2 * layout.features * head.classes;
  return flops;
}

/** Forward multiply-adds x 2 per image of a described stack of layers (convolutions and dense layers). */
export function countLayerFlops(options: {
  layers: LayerSpec[];
  layout: { parameters: ParameterInfo[]; shapes: ActivationShape[] };
}): number {
  const { layers, layout } = options;
  let flops = 0;
  layers.forEach((layer, i) => {
    const out = layout.shapes[i];
    if (layer.kind === "conv") {
      const p = layout.parameters.find((q) => q.name === `${layer.name}.kernel`)!;
      flops += 2 * p.shape[1] * layer.kernel ** 2 * layer.filters * out[1]! * out[2]!;
    } else if (layer.kind === "dense") {
      flops += 2 * layout.parameters.find((q) => q.name === `${layer.name}.kernel`)!.size;
    }
  });
  return flops;
}
