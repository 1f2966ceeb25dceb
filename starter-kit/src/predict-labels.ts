import type * as tf from "@tensorflow/tfjs";
import { makeBatch } from "./make-batch";
import { ATTRIBUTES, type Attribute } from "./platform";

/**
 * Class index (CLASSES order) per attribute for `images[rows[i]]`: the argmax of each head,
 * which is also what the scorer takes from the uploaded model.
 */
export function predictLabels(options: {
  tf: typeof tf;
  model: tf.LayersModel;
  images: Uint8Array[];
  rows?: ArrayLike<number>;
  batchSize?: number;
}): Record<Attribute, Uint8Array> {
  const { tf, model, images } = options;
  const rows = options.rows ?? Array.from(images.keys());
  const batchSize = options.batchSize ?? 64;
  const out = {} as Record<Attribute, Uint8Array>;
  for (const a of ATTRIBUTES) out[a] = new Uint8Array(rows.length);
  for (let start = 0; start < rows.length; start += batchSize) {
    const chunk = Array.from({ length: Math.min(batchSize, rows.length - start) }, (_, i) => rows[start + i]);
    const argmaxes = tf.tidy(() => (model.predict(makeBatch({ tf, images, rows: chunk })) as tf.Tensor[]).map((y) => y.argMax(-1)));
    ATTRIBUTES.forEach((a, k) => out[a].set(argmaxes[k].dataSync(), start));
    tf.dispose(argmaxes);
  }
  return out;
}
