import type { LayerSpec } from "./network-spec";
import type { OnnxGraphBuilder } from "./onnx-graph-builder";

/**
 * The forward and backward rules of every layer kind (network-spec.ts), emitted into a step
 * graph: the classifier's (build-training-graph.ts) and the VAE's encoder and decoder
 * (build-vae-training-graph.ts) are stacks of these.
 *
 * What made it fast (measured, docs/decisions/0010-onnx-training-engine.md):
 * - filter gradients as an explicit im2col (Slice/Concat of the padded, channel-major input)
 *   and one Gemm, not a Conv with batch and channels swapped;
 * - input gradients as a Conv with the flipped, in/out-swapped filter (as fast as ConvTranspose);
 *   the first conv's input gradient is not computed;
 * - ReLU after max pooling (they commute) so its mask is at pooled size, and the max-pool
 *   gradient as a nearest-neighbour Resize of the pooled gradient times an equality mask
 *   (Equal against the pre-ReLU map, so zeros from the ReLU never tie);
 * - masks as Cast-to-float and Mul, never Where;
 * - batch norm in one BatchNormalization node with the batch statistics as its inputs, and its
 *   backward pass written in terms of the conv output y: dy = dout*a + y*c1 + c0 per channel.
 *
 * Generator layers: nearest-neighbour upsampling (Resize; its gradient a sum pool, AveragePool
 * times size^2), reshape, sigmoid (dx = dy y (1 - y)) and tanh (dx = dy (1 - y^2)), and a
 * conv's optional bias (its gradient the sum of dy over batch and pixels).
 */

const FLOAT_TYPE = 1;

/** A batch norm's batch mean and (biased) variance values, output for the running averages. */
export interface BatchStatistics {
  name: string;
  mean: string;
  variance: string;
  channels: number;
}

export interface TrainingLayerStack {
  /** The stack's output value and its shape ([N, C, H, W] or [N, F]). */
  output: string;
  shape: number[];
  /**
   * Emits the backward pass from the gradient of the output: every parameter's gradient goes
   * into `grads`; returns the gradient of the input when `inputGradient` was asked for.
   */
  backward(dOutput: string): string | undefined;
}

export function emitTrainingLayers(options: {
  g: OnnxGraphBuilder;
  /** The input value ([N, C, H, W] NCHW map or [N, F] vector). */
  input: string;
  shape: number[];
  layers: LayerSpec[];
  /** Batch-norm epsilon. */
  eps: number;
  /** Whether the input needs a gradient (something trainable comes before the stack). */
  inputGradient: boolean;
  grads: Map<string, string>;
  stats: BatchStatistics[];
}): TrainingLayerStack {
  const { g, eps, grads, stats } = options;
  const layers = options.layers;
  let cur = options.input;
  let shape = options.shape;
  const tape: ((dy: string) => string | undefined)[] = [];
  const floatConst = (values: number[]) => g.floatTensor("k", [values.length], values);
  const castFloat = (v: string) => g.op("Cast", [v], { to: FLOAT_TYPE }, "mask");

  /** Whether a parameter comes before the current layer (only then is an input gradient needed). */
  let trainable = options.inputGradient;

  /** Nearest-neighbour upsampling by s of a [n,c,h,w] map, zero-padded back to `target` (floor pooling drops edges). */
  const upsample = (v: string, s: number, target: number[]) => {
    const up = g.op(
      "Resize",
      [v, "", floatConst([1, 1, s, s])],
      { mode: "nearest", coordinate_transformation_mode: "asymmetric", nearest_mode: "floor" },
      "up",
    );
    return padTo(up, s, target);
  };
  const padTo = (v: string, s: number, target: number[]) => {
    const [, , h, w] = target;
    const eh = h - s * Math.floor(h / s);
    const ew = w - s * Math.floor(w / s);
    return eh || ew ? g.op("Pad", [v, g.ints([0, 0, 0, 0, 0, 0, eh, ew])], {}, "padded") : v;
  };
  const crop = (v: string, s: number, from: number[]) => {
    const [, , h, w] = from;
    const ch = s * Math.floor(h / s);
    const cw = s * Math.floor(w / s);
    return ch !== h || cw !== w ? g.op("Slice", [v, g.ints([0, 0]), g.ints([ch, cw]), g.ints([2, 3])], {}, "cropped") : v;
  };

  /** Max pooling s x s, optionally followed by a ReLU (applied at pooled size: they commute). */
  const maxPool = (s: number, relu: boolean) => {
    const X = cur;
    const inShape = shape;
    const P = g.op("MaxPool", [X], { kernel_shape: [s, s], strides: [s, s] }, "pool");
    cur = relu ? g.op("Relu", [P]) : P;
    shape = [inShape[0], inShape[1], Math.floor(inShape[2] / s), Math.floor(inShape[3] / s)];
    const need = trainable;
    tape.push((dY) => {
      if (!need) return undefined;
      const dP = relu ? g.op("Mul", [dY, castFloat(g.op("Greater", [P, g.scalar(0)]))], {}, "dpool") : dY;
      const upDP = g.op(
        "Resize",
        [dP, "", floatConst([1, 1, s, s])],
        { mode: "nearest", coordinate_transformation_mode: "asymmetric", nearest_mode: "floor" },
        "up",
      );
      const upP = g.op(
        "Resize",
        [P, "", floatConst([1, 1, s, s])],
        { mode: "nearest", coordinate_transformation_mode: "asymmetric", nearest_mode: "floor" },
        "up_max",
      );
      const isMax = castFloat(g.op("Equal", [crop(X, s, inShape), upP]));
      return padTo(g.op("Mul", [upDP, isMax], {}, "dmaxpool"), s, inShape);
    });
  };

  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i];
    const need = trainable;
    switch (layer.kind) {
      case "conv": {
        const X = cur;
        const [n, ci, h, w] = shape;
        const K = layer.kernel;
        const p = (K - 1) / 2;
        const co = layer.filters;
        const Wt = `${layer.name}.kernel`;
        const B = layer.bias ? `${layer.name}.bias` : undefined;
        cur = g.op("Conv", B ? [X, Wt, B] : [X, Wt], { kernel_shape: [K, K], pads: [p, p, p, p] }, layer.name);
        shape = [n, co, h, w];
        tape.push((dY) => {
          if (B) grads.set(B, g.op("ReduceSum", [dY, g.ints([0, 2, 3])], { keepdims: 0 }, `${layer.name}_db`));
          // Filter gradient: im2col of the channel-major padded input, then one Gemm.
          const Xt = g.op("Transpose", [X], { perm: [1, 0, 2, 3] }, `${layer.name}_xt`);
          const Xp = p > 0 ? g.op("Pad", [Xt, g.ints([0, 0, p, p, 0, 0, p, p])], {}, `${layer.name}_xpad`) : Xt;
          const taps: string[] = [];
          for (let kh = 0; kh < K; kh++)
            for (let kw = 0; kw < K; kw++)
              taps.push(
                K === 1 ? Xp : g.op("Slice", [Xp, g.ints([kh, kw]), g.ints([kh + h, kw + w]), g.ints([2, 3])], {}, `${layer.name}_tap`),
              );
          const cols = g.op("Reshape", [
            taps.length === 1 ? taps[0] : g.op("Concat", taps, { axis: 0 }, `${layer.name}_cols`),
            g.ints([K * K * ci, n * h * w]),
          ]);
          const dYt = g.op("Reshape", [g.op("Transpose", [dY], { perm: [1, 0, 2, 3] }), g.ints([co, n * h * w])]);
          const dWflat = g.op("Gemm", [dYt, cols], { transB: 1 }, `${layer.name}_dw`);
          grads.set(Wt, g.op("Transpose", [g.op("Reshape", [dWflat, g.ints([co, K, K, ci])])], { perm: [0, 3, 1, 2] }));
          if (!need) return undefined;
          // Input gradient: a 'same' correlation of dy with the flipped, in/out-swapped filter.
          const flipped = g.op(
            "Slice",
            [
              g.op("Transpose", [Wt], { perm: [1, 0, 2, 3] }),
              g.ints([K - 1, K - 1]),
              g.ints([-K - 1, -K - 1]),
              g.ints([2, 3]),
              g.ints([-1, -1]),
            ],
            {},
            `${layer.name}_flip`,
          );
          return g.op("Conv", [dY, flipped], { kernel_shape: [K, K], pads: [p, p, p, p] }, `${layer.name}_dx`);
        });
        trainable = true;
        break;
      }
      case "batchNorm": {
        const Y = cur;
        const [n, c, h, w] = shape;
        const M = n * h * w;
        const gamma = `${layer.name}.gamma`;
        const beta = `${layer.name}.beta`;
        const mean = g.op("ReduceMean", [Y], { axes: [0, 2, 3], keepdims: 0 }, `${layer.name}_mean`);
        // E[y^2] - E[y]^2: one pass over y instead of three (conv outputs are centred enough
        // that the cancellation stays far below float32's noise at these sizes; see the tests).
        const meanSq = g.op("Mul", [g.op("ReduceSumSquare", [Y], { axes: [0, 2, 3], keepdims: 0 }), g.scalar(1 / M)]);
        const variance = g.op("Relu", [g.op("Sub", [meanSq, g.op("Mul", [mean, mean])])], {}, `${layer.name}_var`);
        stats.push({ name: layer.name, mean, variance, channels: c });
        cur = g.op("BatchNormalization", [Y, gamma, beta, mean, variance], { epsilon: { float: eps } }, layer.name);
        tape.push((dOut) => {
          const axes = g.ints([0, 2, 3]);
          const rstd = g.op("Reciprocal", [g.op("Sqrt", [g.op("Add", [variance, g.scalar(eps)])])]);
          const s1 = g.op("ReduceSum", [dOut, axes], { keepdims: 0 }, `${layer.name}_dbeta`);
          const s2 = g.op("ReduceSum", [g.op("Mul", [dOut, Y]), axes], { keepdims: 0 });
          const dGamma = g.op("Mul", [rstd, g.op("Sub", [s2, g.op("Mul", [mean, s1])])], {}, `${layer.name}_dgamma`);
          grads.set(gamma, dGamma);
          grads.set(beta, s1);
          if (!need) return undefined;
          const a = g.op("Mul", [gamma, rstd]);
          const c1 = g.op("Neg", [g.op("Mul", [g.op("Mul", [a, dGamma]), g.op("Mul", [rstd, g.scalar(1 / M)])])]);
          const c0 = g.op("Sub", [g.op("Neg", [g.op("Mul", [a, g.op("Mul", [s1, g.scalar(1 / M)])])]), g.op("Mul", [c1, mean])]);
          // y*c1 + c0 per channel in one pass: a BatchNormalization with mean 0, variance 1, epsilon 0.
          const zeros = g.floatTensor("zeros", [c], new Float32Array(c));
          const ones = g.floatTensor("ones", [c], new Float32Array(c).fill(1));
          const affine = g.op("BatchNormalization", [Y, c1, c0, zeros, ones], { epsilon: { float: 0 } });
          const scaled = g.op("Mul", [dOut, g.op("Reshape", [a, g.ints([1, c, 1, 1])])]);
          return g.op("Add", [scaled, affine], {}, `${layer.name}_dx`);
        });
        trainable = true;
        break;
      }
      case "relu": {
        const next = layers[i + 1];
        if (next?.kind === "maxPool") {
          maxPool(next.size, true);
          i++;
          break;
        }
        const Y = g.op("Relu", [cur]);
        cur = Y;
        tape.push((dY) => (need ? g.op("Mul", [dY, castFloat(g.op("Greater", [Y, g.scalar(0)]))], {}, "drelu") : undefined));
        break;
      }
      case "maxPool":
        maxPool(layer.size, false);
        break;
      case "avgPool": {
        const s = layer.size;
        const inShape = shape;
        cur = g.op("AveragePool", [cur], { kernel_shape: [s, s], strides: [s, s] }, "avgpool");
        shape = [inShape[0], inShape[1], Math.floor(inShape[2] / s), Math.floor(inShape[3] / s)];
        tape.push((dY) => (need ? upsample(g.op("Mul", [dY, g.scalar(1 / (s * s))]), s, inShape) : undefined));
        break;
      }
      case "globalAvgPool": {
        const inShape = shape;
        const [n, c, h, w] = inShape;
        cur = g.op("ReduceMean", [cur], { axes: [2, 3], keepdims: 0 }, "gap");
        shape = [n, c];
        tape.push((dY) =>
          need
            ? g.op(
                "Expand",
                [g.op("Reshape", [g.op("Mul", [dY, g.scalar(1 / (h * w))]), g.ints([n, c, 1, 1])]), g.ints(inShape)],
                {},
                "dgap",
              )
            : undefined,
        );
        break;
      }
      case "flatten": {
        const inShape = shape;
        const features = inShape.slice(1).reduce((a, d) => a * d, 1);
        cur = g.op("Reshape", [cur, g.ints([inShape[0], features])], {}, "flatten");
        shape = [inShape[0], features];
        tape.push((dY) => (need ? g.op("Reshape", [dY, g.ints(inShape)], {}, "dflatten") : undefined));
        break;
      }
      case "dense": {
        const X = cur;
        const kernel = `${layer.name}.kernel`;
        const bias = `${layer.name}.bias`;
        cur = g.op("Gemm", [X, kernel, bias], {}, layer.name);
        shape = [shape[0], layer.units];
        tape.push((dY) => {
          grads.set(kernel, g.op("Gemm", [X, dY], { transA: 1 }, `${layer.name}_dw`));
          grads.set(bias, g.op("ReduceSum", [dY, g.ints([0])], { keepdims: 0 }, `${layer.name}_db`));
          return need ? g.op("Gemm", [dY, kernel], { transB: 1 }, `${layer.name}_dx`) : undefined;
        });
        trainable = true;
        break;
      }
      case "upsample": {
        const s = layer.size;
        const [n, c, h, w] = shape;
        cur = g.op(
          "Resize",
          [cur, "", floatConst([1, 1, s, s])],
          { mode: "nearest", coordinate_transformation_mode: "asymmetric", nearest_mode: "floor" },
          "upsample",
        );
        shape = [n, c, h * s, w * s];
        // Each input pixel feeds s x s outputs: its gradient is their sum (a sum pool).
        tape.push((dY) =>
          need
            ? g.op("Mul", [g.op("AveragePool", [dY], { kernel_shape: [s, s], strides: [s, s] }), g.scalar(s * s)], {}, "dupsample")
            : undefined,
        );
        break;
      }
      case "reshape": {
        const inShape = shape;
        shape = [inShape[0], ...layer.shape];
        cur = g.op("Reshape", [cur, g.ints(shape)], {}, "reshape");
        tape.push((dY) => (need ? g.op("Reshape", [dY, g.ints(inShape)], {}, "dreshape") : undefined));
        break;
      }
      case "sigmoid": {
        const Y = g.op("Sigmoid", [cur]);
        cur = Y;
        tape.push((dY) => (need ? g.op("Mul", [dY, g.op("Mul", [Y, g.op("Sub", [g.scalar(1), Y])])], {}, "dsigmoid") : undefined));
        break;
      }
      case "tanh": {
        const Y = g.op("Tanh", [cur]);
        cur = Y;
        tape.push((dY) => (need ? g.op("Mul", [dY, g.op("Sub", [g.scalar(1), g.op("Mul", [Y, Y])])], {}, "dtanh") : undefined));
        break;
      }
      case "dropout": {
        const mask = g.input(`${layer.name}.mask`, shape);
        cur = g.op("Mul", [cur, mask], {}, layer.name);
        tape.push((dY) => (need ? g.op("Mul", [dY, mask], {}, `d${layer.name}`) : undefined));
        break;
      }
    }
  }

  return {
    output: cur,
    shape,
    backward(dOutput) {
      let d: string | undefined = dOutput;
      for (let k = tape.length - 1; k >= 0 && d !== undefined; k--) d = tape[k](d);
      return d;
    },
  };
}
