import * as tf from "@tensorflow/tfjs";

/**
 * One shard's share of a training step for a multi-output softmax classifier, as plain arrays in
 * and out, so the same code runs in the main thread or in a data-parallel worker thread.
 *
 * Loss of output k: sum_i w_ik * CE(t_ik, p_ik) / normalizer, CE = -sum_c t_c log(clip(p_c)),
 * with p the model's (softmax) output clipped to [1e-7, 1 - 1e-7] like Keras's categorical
 * cross-entropy. `normalizer` is the size of the WHOLE batch, not of the shard: the full-batch
 * loss (and its gradient) is then the plain sum of the shards' losses (and gradients). A
 * sample weight of 0 masks a label (e.g. an unknown hair colour); class weights are folded into
 * the sample weights by the caller.
 */

export interface ShardBatch {
  /** NHWC images, already normalised as the model expects. */
  x: Float32Array;
  shape: [number, number, number, number];
  /** Per output: [n, classes] targets (one-hot or soft), row-major. */
  targets: Float32Array[];
  /** Per output: [n] sample weights (default all 1). */
  sampleWeights?: (Float32Array | undefined)[];
  /** Denominator of the loss: the number of images in the whole batch. */
  normalizer: number;
}

export interface ShardResult {
  /** Per output: its loss share (sum over the shard / normalizer). */
  losses: number[];
  /** Gradients of the summed loss, flattened in model.trainableWeights order. */
  grads: Float32Array;
  /** Non-trainable weights after the forward pass (batch-norm moving statistics), flattened. */
  nonTrainable: Float32Array;
}

const EPSILON = 1e-7;

type LayerVariable = tf.LayersModel["weights"][number];

export const weightSize = (vars: readonly LayerVariable[]) =>
  vars.reduce((a, v) => a + v.shape.reduce((p: number, d) => p * (d as number), 1), 0);

/** Concatenates the current values of `vars` into one array. */
export function flattenWeights(vars: readonly LayerVariable[]): Float32Array {
  const out = new Float32Array(weightSize(vars));
  let offset = 0;
  for (const v of vars) {
    const data = v.read().dataSync() as Float32Array;
    out.set(data, offset);
    offset += data.length;
  }
  return out;
}

/** Writes `flat` (as produced by flattenWeights) back into `vars`. */
export function assignFlatWeights(vars: readonly LayerVariable[], flat: Float32Array): void {
  let offset = 0;
  tf.tidy(() => {
    for (const v of vars) {
      const n = v.shape.reduce((p: number, d) => p * (d as number), 1);
      v.write(tf.tensor(flat.subarray(offset, offset + n), v.shape as number[], "float32"));
      offset += n;
    }
  });
  if (offset !== flat.length) throw new Error(`assignFlatWeights: ${flat.length} values for ${offset} weights`);
}

/** Forward (training mode) and backward pass of one shard; returns plain arrays. */
export function shardLossAndGrads(model: tf.LayersModel, batch: ShardBatch): ShardResult {
  const trainable = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const [n, h, w, c] = batch.shape;
  const lossesT: tf.Scalar[] = [];
  const result = tf.tidy(() => {
    const x = tf.tensor4d(batch.x, [n, h, w, c]);
    const { value, grads } = tf.variableGrads(() => {
      const outs = model.apply(x, { training: true });
      const list = Array.isArray(outs) ? outs : [outs];
      if (list.length !== batch.targets.length)
        throw new Error(`the model has ${list.length} outputs but ${batch.targets.length} targets were given`);
      const terms = (list as tf.Tensor[]).map((p, k) => {
        const classes = p.shape[p.shape.length - 1];
        const t = tf.tensor2d(batch.targets[k], [n, classes]);
        const ce = tf.neg(tf.sum(tf.mul(t, tf.log(tf.clipByValue(p, EPSILON, 1 - EPSILON))), -1)); // [n]
        const sw = batch.sampleWeights?.[k];
        const weighted = sw ? tf.mul(ce, tf.tensor1d(sw)) : ce;
        const term = tf.div(tf.sum(weighted), batch.normalizer) as tf.Scalar;
        lossesT.push(tf.keep(term));
        return term;
      });
      return tf.addN(terms) as tf.Scalar;
    }, trainable);
    value.dispose();
    const flat = new Float32Array(weightSize(model.trainableWeights));
    let offset = 0;
    for (const v of trainable) {
      const g = grads[v.name];
      const data = g.dataSync() as Float32Array;
      flat.set(data, offset);
      offset += data.length;
    }
    return flat;
  });
  const losses = lossesT.map((t) => t.dataSync()[0]);
  tf.dispose(lossesT);
  return { losses, grads: result, nonTrainable: flattenWeights(model.nonTrainableWeights) };
}
