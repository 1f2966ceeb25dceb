import { makeBatch } from "./make-batch";
import { ATTRIBUTES, type Attribute, type OnnxPredictor } from "./platform";

/**
 * Class index (CLASSES order) per attribute for `images[rows[i]]`: the argmax of each head,
 * which is also what the scorer takes from the uploaded model. `predictor` runs the exported
 * inference graph (batch norm with its running statistics, no dropout).
 */
export async function predictLabels(options: {
  predictor: OnnxPredictor;
  images: Uint8Array[];
  rows?: ArrayLike<number>;
  batchSize?: number;
}): Promise<Record<Attribute, Uint8Array>> {
  const { predictor, images } = options;
  const rows = options.rows ?? Array.from(images.keys());
  const batchSize = options.batchSize ?? 128;
  const out = {} as Record<Attribute, Uint8Array>;
  for (const a of ATTRIBUTES) out[a] = new Uint8Array(rows.length);
  for (let start = 0; start < rows.length; start += batchSize) {
    const chunk = Array.from({ length: Math.min(batchSize, rows.length - start) }, (_, i) => rows[start + i]);
    const probabilities = await predictor.predict(makeBatch({ images, rows: chunk }), chunk.length);
    ATTRIBUTES.forEach((a, k) => {
      const p = probabilities[k];
      const classes = p.length / chunk.length;
      for (let i = 0; i < chunk.length; i++) {
        let best = 0;
        for (let c = 1; c < classes; c++) if (p[i * classes + c] > p[i * classes + best]) best = c;
        out[a][start + i] = best;
      }
    });
  }
  return out;
}
