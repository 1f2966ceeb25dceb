import type { Attribute } from "@/lib/challenge/definition";
import type { ManifestHead } from "./manifest";

/**
 * Reads one attribute's prediction per image out of a model output: the argmax over the head's
 * classes (logits or probabilities alike). Refuses outputs whose shape does not match the
 * manifest and NaN anywhere in the head, with a message naming the attribute and output.
 */

export type NumericOutput = ArrayLike<number> | BigInt64Array;

export type DecodeResult = { ok: true; indices: Uint8Array } | { ok: false; message: string };

export function argmaxHead(options: {
  attr: Attribute;
  head: ManifestHead;
  /** Label of the output for messages, e.g. `"logits"` or `#0`. */
  outputLabel: string;
  data: NumericOutput;
  dims: readonly number[];
  count: number;
  /** Index of the batch's first image in the test set, for messages. */
  offset?: number;
}): DecodeResult {
  const { attr, head, outputLabel, data, dims, count } = options;
  const offset = options.offset ?? 0;
  const k = head.classes.length;
  const [start, end] = head.slice ?? [0, k];
  const width = dims.slice(1).reduce((a, b) => a * b, 1);
  const where = `outputs.${attr} (output ${outputLabel})`;
  const expected = head.slice ? `[${count}, >= ${end}]` : `[${count}, ${k}]`;
  if (dims.length < 2 || dims[0] !== count || (head.slice ? width < end : width !== k) || data.length !== count * width) {
    return {
      ok: false,
      message: `${where}: the model returned shape [${dims.join(", ")}] for a batch of ${count} images; expected ${expected} (batch, ${k} classes)`,
    };
  }
  const indices = new Uint8Array(count);
  const big = data instanceof BigInt64Array;
  for (let i = 0; i < count; i++) {
    const row = i * width;
    let best = -1;
    let bestValue = -Infinity;
    for (let c = start; c < end; c++) {
      const v = big ? Number(data[row + c]) : data[row + c];
      if (Number.isNaN(v)) {
        return {
          ok: false,
          message: `${where}: the model produced NaN for test image ${offset + i} (class ${JSON.stringify(head.classes[c - start])}); outputs must be numbers`,
        };
      }
      // First maximum wins; a row of -Infinity picks the first class.
      if (best < 0 || v > bestValue) {
        best = c - start;
        bestValue = v;
      }
    }
    indices[i] = best;
  }
  return { ok: true, indices };
}
