import { decodeRgbPng } from "./decode-rgb-png";
import { encodeRgbPng } from "./encode-rgb-png";

/**
 * One batch of PNG work, as the worker threads of png-worker-pool.ts run it (and the main
 * thread when there are no workers: same code, same bytes). Inputs and outputs are packed back
 * to back in one buffer each, so a batch crosses threads as one transfer.
 */
export interface PngBatchRequest {
  op: "decode" | "encode";
  /** Inputs back to back; item i is data[offsets[i], offsets[i + 1]). */
  data: Uint8Array;
  offsets: Int32Array;
  width?: number;
  height?: number;
}

export interface PngBatchResult {
  data: Uint8Array;
  offsets: Int32Array;
  /** 1 where the item failed (its slice is empty). */
  failed: Uint8Array;
}

export function runPngBatch(req: PngBatchRequest): PngBatchResult {
  const count = req.offsets.length - 1;
  const outputs: (Buffer | undefined)[] = [];
  let total = 0;
  for (let i = 0; i < count; i++) {
    const input = Buffer.from(req.data.buffer, req.data.byteOffset + req.offsets[i], req.offsets[i + 1] - req.offsets[i]);
    let out: Buffer | undefined;
    try {
      out = req.op === "decode" ? decodeRgbPng(input).pixels : encodeRgbPng(input, req.width!, req.height!);
    } catch {
      out = undefined;
    }
    outputs.push(out);
    total += out ? out.length : 0;
  }
  const data = new Uint8Array(total);
  const offsets = new Int32Array(count + 1);
  const failed = new Uint8Array(count);
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const out = outputs[i];
    offsets[i] = pos;
    if (out) {
      data.set(out, pos);
      pos += out.length;
    } else {
      failed[i] = 1;
    }
  }
  offsets[count] = pos;
  return { data, offsets, failed };
}
