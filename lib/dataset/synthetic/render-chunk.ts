/**
 * Renders a contiguous run of images to PNG bytes, packed into one buffer so that a worker can
 * hand the whole chunk back with a single zero-copy transfer.
 */
import { IMAGE_BYTES, IMAGE_HEIGHT, IMAGE_WIDTH } from "../../challenge/definition";
import { encodeRgbPng } from "../encode-rgb-png";
import { renderPortrait } from "./render-portrait";

export interface ChunkTask {
  seed: number;
  /** Ordinal (0-based position in the dataset) of the first image. */
  start: number;
  /** Written label codes of the chunk's images (see label-table.ts for the code order). */
  gender: Uint8Array;
  color: Uint8Array;
  type: Uint8Array;
}

export interface ChunkResult {
  start: number;
  /** PNG files back to back; image i is data[offsets[i] .. offsets[i + 1]). */
  data: Uint8Array;
  offsets: Uint32Array;
}

const pixels = new Uint8Array(IMAGE_BYTES);

export function renderChunk(task: ChunkTask): ChunkResult {
  const n = task.gender.length;
  const pngs: Buffer[] = [];
  const offsets = new Uint32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    renderPortrait({
      seed: task.seed,
      ordinal: task.start + i,
      gender: task.gender[i],
      color: task.color[i],
      type: task.type[i],
      out: pixels,
    });
    const png = encodeRgbPng(pixels, IMAGE_WIDTH, IMAGE_HEIGHT);
    pngs.push(png);
    offsets[i] = total;
    total += png.length;
  }
  offsets[n] = total;
  const data = new Uint8Array(total);
  for (let i = 0; i < n; i++) data.set(pngs[i], offsets[i]);
  return { start: task.start, data, offsets };
}
