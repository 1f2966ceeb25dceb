import { mulberry32 } from "../random/mulberry32";

/**
 * `count` independent standard normal values from a seed (Box-Muller over mulberry32), as
 * Float32. The same seed always gives the same values on every machine: the generation track
 * draws its latents this way, and the metric tests and the benchmark draw their synthetic
 * feature sets the same way.
 */
export function drawNormals(options: { seed: number; count: number }): Float32Array {
  const rand = mulberry32(options.seed);
  const out = new Float32Array(options.count);
  for (let i = 0; i < options.count; i += 2) {
    // 1 - u keeps the logarithm's argument in (0, 1]: mulberry32 can return exactly 0.
    const r = Math.sqrt(-2 * Math.log(1 - rand()));
    const t = 2 * Math.PI * rand();
    out[i] = r * Math.cos(t);
    if (i + 1 < options.count) out[i + 1] = r * Math.sin(t);
  }
  return out;
}
