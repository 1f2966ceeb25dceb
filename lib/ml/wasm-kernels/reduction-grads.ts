import * as tf from "@tensorflow/tfjs";
import { readKernelAttrs } from "./read-kernel-attrs";

/**
 * Gradients of Mean and Sum without `tf.ones(x.shape)`.
 *
 * tfjs-core computes both as `reshape(dy) * ones(x.shape)` (/ reduceSize for Mean). `ones` is
 * not a kernel: it fills a JS typed array of the full activation size and uploads it, which was
 * ~100 ms of every training step of the reference CNN on wasm (the batch-norm moments and global
 * average pooling are Means). Broadcasting dy with Tile gives the same values bit for bit (dy * 1
 * is dy, and dividing dy by reduceSize before broadcasting is the same division), in one pass.
 * Gradient functions are shared by all backends, so this also applies to cpu/tfjs-node, with
 * identical results.
 */

function reductionGrad(kernelName: "Mean" | "Sum"): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ["x"],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const { axis } = readKernelAttrs<{ axis: number | number[] }>(attrs);
      const axes = tf.util.parseAxisParam(axis, x.shape);
      const expanded = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
      const reps = x.shape.map((d, i) => (axes.includes(i) ? d : 1));
      const reduceSize = axes.reduce((a, i) => a * x.shape[i], 1);
      const g = dy as tf.Tensor;
      return {
        x: () => {
          const scaled = kernelName === "Mean" ? tf.div(g, reduceSize) : g;
          return tf.tile(tf.reshape(scaled, expanded), reps);
        },
      };
    },
  };
}

export const reductionGradients = [reductionGrad("Mean"), reductionGrad("Sum")];
