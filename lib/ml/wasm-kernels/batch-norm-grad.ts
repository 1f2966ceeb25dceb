import * as tf from "@tensorflow/tfjs";
import { readKernelAttrs } from "./read-kernel-attrs";

/**
 * Gradient of FusedBatchNorm, y = (x - mean) * scale * rstd + offset with rstd = 1/sqrt(var + eps),
 * in 5 passes over the activations instead of ~15. tfjs-core's version tiles rstd to the full
 * activation shape and computes each partial derivative with its own chain of full-size products.
 * With sv = scale * rstd (per channel) and sums over the reduced (batch and spatial) axes:
 *   dx      = dy * sv                         (1 pass, per-channel broadcast)
 *   doffset = sum(dy)                         (1 pass)
 *   dmean   = -sv * sum(dy)
 *   S       = sum(dy * (x - mean))            (3 passes: subtract, multiply, sum)
 *   dscale  = S * rstd
 *   dvar    = S * scale * (-1/2) * rstd^3
 * The per-channel factors come out of the sums (the reference multiplies before summing), so
 * results differ from tfjs-core's only by float rounding. Gradients are registered for all
 * backends; this one is exercised against the cpu backend by wasm-training.test.ts.
 */
export const batchNormGradient: tf.GradConfig = {
  kernelName: "FusedBatchNorm",
  inputsToSave: ["x", "mean", "variance", "scale"],
  gradFunc: (dyIn, saved, attrs) => {
    const dy = dyIn as tf.Tensor;
    const [x, mean, variance, scale] = saved;
    const { varianceEpsilon } = readKernelAttrs<{ varianceEpsilon: number }>(attrs);
    const axes = tf.broadcast_util.getReductionAxes(mean.shape, x.shape);
    const reduce = (t: tf.Tensor) => (axes.length ? tf.sum(t, axes) : t);
    const rstd = tf.rsqrt(tf.add(variance, varianceEpsilon));
    const sv = scale == null ? rstd : tf.mul(rstd, scale);
    const sumDy = reduce(dy);
    const s = tf.tidy(() => reduce(tf.mul(dy, tf.sub(x, mean))));
    return {
      x: () => tf.reshape(tf.mul(dy, sv), x.shape),
      mean: () => tf.reshape(tf.neg(tf.mul(sumDy, sv)), mean.shape),
      variance: () => tf.reshape(tf.mul(tf.mul(s, sv), tf.mul(tf.mul(rstd, rstd), -0.5)), mean.shape),
      scale: () => tf.reshape(tf.mul(s, rstd), mean.shape),
      offset: () => tf.reshape(sumDy, mean.shape),
    };
  },
};
