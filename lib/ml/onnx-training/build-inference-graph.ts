import type { NetworkState } from "./init-parameters";
import { describeNetwork, DEFAULT_BATCH_NORM_EPSILON, type LayerSpec, type NetworkSpec } from "./network-spec";
import { OnnxGraphBuilder } from "./onnx-graph-builder";

/** Name of the inference graph's input (NHWC images, any batch size). */
export const INFERENCE_INPUT = "image";

/**
 * The trained network as a plain ONNX inference model (opset 17, standard operators only, so the
 * scorer's sandbox runs it like any participant's export): NHWC input `image` [N, H, W, C] with a
 * symbolic batch, each batch norm folded into the conv before it (weights scaled by
 * gamma/sqrt(running var + eps), bias beta - running mean * that scale), dropout left out, and
 * one softmax output per head, named after the head.
 *
 * `embeddingOutput` adds one more output under that name: the last dense layer's value before
 * its activation ([N, units]), the penultimate layer the generation track measures images in
 * (signed, unlike the ReLU after it, so cosine distances between images are informative).
 */
export function buildInferenceGraph(options: { spec: NetworkSpec; state: NetworkState; embeddingOutput?: string }): Uint8Array {
  const { spec, state } = options;
  describeNetwork(spec); // validates the spec
  const eps = spec.batchNormEpsilon ?? DEFAULT_BATCH_NORM_EPSILON;
  const param = parameterReader(state);
  const g = new OnnxGraphBuilder();
  const [H, W, C] = spec.input;
  const x = g.input(INFERENCE_INPUT, ["N", H, W, C]);
  let cur = g.op("Transpose", [x], { perm: [0, 3, 1, 2] }, "x_nchw");
  const trunk = emitInferenceLayers({ g, input: cur, channels: C, layers: spec.layers, state, eps });
  cur = trunk.output;
  const embedding = trunk.embedding;
  for (const head of spec.heads) {
    const kernel = param(`${head.name}.kernel`);
    const logits = g.op("Gemm", [
      cur,
      g.floatTensor(`${head.name}.kernel`, [kernel.length / head.classes, head.classes], kernel),
      g.floatTensor(`${head.name}.bias`, [head.classes], param(`${head.name}.bias`)),
    ]);
    g.output(head.name, g.op("Softmax", [logits], { axis: 1 }), ["N", head.classes]);
  }
  if (options.embeddingOutput) {
    if (!embedding) throw new Error(`network ${spec.name} has no dense layer to take an embedding from`);
    g.output(options.embeddingOutput, embedding.value, ["N", embedding.units]);
  }
  return g.encode(spec.name);
}

/** A reader of a state's parameters that names a missing one. */
function parameterReader(state: NetworkState): (name: string) => Float32Array {
  return (name) => {
    const v = state.parameters.get(name);
    if (!v) throw new Error(`missing parameter ${name}`);
    return v;
  };
}

/**
 * A stack of layers in inference mode (batch norm folded into the conv before it, dropout left
 * out) on an NCHW map or a vector; shared by the classifier's inference graph and a VAE's
 * decoder (build-vae-decoder-graph.ts). `embedding` is the last dense layer's output.
 */
export function emitInferenceLayers(options: {
  g: OnnxGraphBuilder;
  input: string;
  /** Channels of the input map (unused for a vector input). */
  channels: number;
  layers: LayerSpec[];
  state: NetworkState;
  eps: number;
}): { output: string; embedding?: { value: string; units: number } } {
  const { g, layers, state, eps } = options;
  const param = parameterReader(state);
  let cur = options.input;
  let channels = options.channels;
  let embedding: { value: string; units: number } | undefined;
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i];
    switch (layer.kind) {
      case "conv": {
        const K = layer.kernel;
        const p = (K - 1) / 2;
        const kernel = Float32Array.from(param(`${layer.name}.kernel`));
        const perOut = channels * K * K;
        const inputs = [cur];
        const next = layers[i + 1];
        const convBias = layer.bias ? param(`${layer.name}.bias`) : undefined;
        if (next?.kind === "batchNorm") {
          const gamma = param(`${next.name}.gamma`);
          const beta = param(`${next.name}.beta`);
          const mean = state.runningMean.get(next.name)!;
          const variance = state.runningVar.get(next.name)!;
          const bias = new Float32Array(layer.filters);
          for (let o = 0; o < layer.filters; o++) {
            const scale = gamma[o] / Math.sqrt(variance[o] + eps);
            for (let j = 0; j < perOut; j++) kernel[o * perOut + j] *= scale;
            bias[o] = beta[o] + ((convBias?.[o] ?? 0) - mean[o]) * scale;
          }
          inputs.push(
            g.floatTensor(`${layer.name}.kernel`, [layer.filters, channels, K, K], kernel),
            g.floatTensor(`${layer.name}.bias`, [layer.filters], bias),
          );
          i++;
        } else {
          inputs.push(g.floatTensor(`${layer.name}.kernel`, [layer.filters, channels, K, K], kernel));
          if (convBias) inputs.push(g.floatTensor(`${layer.name}.bias`, [layer.filters], convBias));
        }
        cur = g.op("Conv", inputs, { kernel_shape: [K, K], pads: [p, p, p, p] }, layer.name);
        channels = layer.filters;
        break;
      }
      case "batchNorm": {
        // A batch norm not right after a conv: the standard inference-mode operator.
        const c = channels;
        cur = g.op(
          "BatchNormalization",
          [
            cur,
            g.floatTensor(`${layer.name}.gamma`, [c], param(`${layer.name}.gamma`)),
            g.floatTensor(`${layer.name}.beta`, [c], param(`${layer.name}.beta`)),
            g.floatTensor(`${layer.name}.mean`, [c], state.runningMean.get(layer.name)!),
            g.floatTensor(`${layer.name}.var`, [c], state.runningVar.get(layer.name)!),
          ],
          { epsilon: { float: eps } },
          layer.name,
        );
        break;
      }
      case "relu":
        cur = g.op("Relu", [cur]);
        break;
      case "maxPool":
        cur = g.op("MaxPool", [cur], { kernel_shape: [layer.size, layer.size], strides: [layer.size, layer.size] });
        break;
      case "avgPool":
        cur = g.op("AveragePool", [cur], { kernel_shape: [layer.size, layer.size], strides: [layer.size, layer.size] });
        break;
      case "globalAvgPool":
        cur = g.op("Flatten", [g.op("GlobalAveragePool", [cur])], { axis: 1 });
        break;
      case "flatten":
        cur = g.op("Flatten", [cur], { axis: 1 });
        break;
      case "dense": {
        const kernel = param(`${layer.name}.kernel`);
        const units = layer.units;
        cur = g.op(
          "Gemm",
          [
            cur,
            g.floatTensor(`${layer.name}.kernel`, [kernel.length / units, units], kernel),
            g.floatTensor(`${layer.name}.bias`, [units], param(`${layer.name}.bias`)),
          ],
          {},
          layer.name,
        );
        embedding = { value: cur, units };
        break;
      }
      case "dropout":
        break;
      case "upsample":
        cur = g.op(
          "Resize",
          [cur, "", g.floatTensor("scales", [4], [1, 1, layer.size, layer.size])],
          { mode: "nearest", coordinate_transformation_mode: "asymmetric", nearest_mode: "floor" },
          "upsample",
        );
        break;
      case "reshape":
        cur = g.op("Reshape", [cur, g.ints([-1, ...layer.shape])], {}, "reshape");
        channels = layer.shape[0];
        break;
      case "sigmoid":
        cur = g.op("Sigmoid", [cur]);
        break;
      case "tanh":
        cur = g.op("Tanh", [cur]);
        break;
    }
  }
  return { output: cur, embedding };
}
