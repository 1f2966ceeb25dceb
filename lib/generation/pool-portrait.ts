import { IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH } from "../challenge/definition";

/**
 * A 108x84x3 portrait (uint8 HWC, at `from` in `src`) averaged over `pool` x `pool` blocks and
 * rounded, written at `to` in `dst`: (108/pool) x (84/pool) x 3 bytes. The VAE generators
 * (the organizers' baseline and the starter kit's) train on these smaller images.
 */
export function poolPortrait(options: { src: Uint8Array; from: number; dst: Uint8Array; to: number; pool: number }): void {
  const { src, from, dst, to, pool } = options;
  const C = IMAGE_CHANNELS;
  const height = IMAGE_HEIGHT / pool;
  const width = IMAGE_WIDTH / pool;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < C; c++) {
        let sum = 0;
        for (let dy = 0; dy < pool; dy++)
          for (let dx = 0; dx < pool; dx++) sum += src[from + ((y * pool + dy) * IMAGE_WIDTH + x * pool + dx) * C + c];
        dst[to + (y * width + x) * C + c] = Math.round(sum / (pool * pool));
      }
}
