import { IMAGE_BYTES, IMAGE_HEIGHT, IMAGE_WIDTH } from "../challenge/definition";

/**
 * Hand-crafted colour and texture statistics of a portrait (108 high x 84 wide, HWC RGB), for
 * the colour-features baseline. The framing is "passport photo", so fixed regions roughly
 * cover the same parts of every face: the hair above the forehead, the hair at the sides (long
 * or wavy hair falls there), the face centre (skin), the lower face (beard, chin) and the
 * clothing. Per region: mean and std of R, G, B, mean saturation and value (HSV-ish), and the
 * mean absolute horizontal and vertical luminance differences (hair texture: waves make more
 * edges than straight strands). Plus a coarse 4x4x4 RGB histogram of the hair regions.
 */

interface Region {
  name: string;
  y0: number;
  y1: number;
  x0: number;
  x1: number;
}

const REGIONS: readonly Region[] = [
  { name: "top", y0: 0, y1: 20, x0: 12, x1: 72 },
  { name: "crown", y0: 14, y1: 32, x0: 22, x1: 62 },
  { name: "left", y0: 20, y1: 64, x0: 0, x1: 18 },
  { name: "right", y0: 20, y1: 64, x0: 66, x1: 84 },
  { name: "face", y0: 38, y1: 68, x0: 28, x1: 56 },
  { name: "chin", y0: 68, y1: 88, x0: 28, x1: 56 },
  { name: "lower-left", y0: 64, y1: 100, x0: 0, x1: 20 },
  { name: "lower-right", y0: 64, y1: 100, x0: 64, x1: 84 },
  { name: "clothes", y0: 96, y1: 108, x0: 16, x1: 68 },
];
const STATS_PER_REGION = 10;
/** Regions whose pixels make the hair histogram. */
const HAIR_REGIONS = ["top", "crown", "left", "right"];
const BINS = 4;

export const COLOUR_FEATURE_COUNT = REGIONS.length * STATS_PER_REGION + BINS * BINS * BINS;

/**
 * The features in words, for the colour-features baseline's leaderboard description. Derived from
 * the region table and the histogram size above (the defaults), so the text follows them.
 */
export function describeColourFeatures(
  options: { regions?: readonly Pick<Region, "name">[]; hairRegions?: readonly string[]; bins?: number } = {},
): string {
  const regions = options.regions ?? REGIONS;
  const hairRegions = options.hairRegions ?? HAIR_REGIONS;
  const bins = options.bins ?? BINS;
  const count = regions.length * STATS_PER_REGION + bins ** 3;
  return (
    `Mean and std of R, G and B, mean saturation and value, and horizontal and vertical luminance differences (texture) ` +
    `in ${regions.length} fixed regions (${regions.map((r) => r.name).join(", ")}), plus a ${bins}x${bins}x${bins} RGB histogram ` +
    `of the hair regions (${hairRegions.join(", ")}): ${count} features`
  );
}

/**
 * Features of `count` images in `pixels` (count x IMAGE_BYTES) into `out` at row `outRow`
 * onwards (out has COLOUR_FEATURE_COUNT floats per row).
 */
export function extractColourFeatures(options: { pixels: Uint8Array; count: number; out: Float32Array; outRow?: number }): void {
  const { pixels, count, out } = options;
  const dim = COLOUR_FEATURE_COUNT;
  const hist = new Float64Array(BINS * BINS * BINS);
  for (let n = 0; n < count; n++) {
    const base = n * IMAGE_BYTES;
    const o = ((options.outRow ?? 0) + n) * dim;
    hist.fill(0);
    let histTotal = 0;
    for (let r = 0; r < REGIONS.length; r++) {
      const { y0, y1, x0, x1, name } = REGIONS[r];
      const inHair = HAIR_REGIONS.includes(name);
      let sr = 0,
        sg = 0,
        sb = 0,
        sr2 = 0,
        sg2 = 0,
        sb2 = 0,
        ss = 0,
        sv = 0,
        dx = 0,
        dy = 0;
      let ndx = 0,
        ndy = 0;
      for (let y = y0; y < y1; y++) {
        let p = base + (y * IMAGE_WIDTH + x0) * 3;
        let prevLum = -1;
        for (let x = x0; x < x1; x++, p += 3) {
          const R = pixels[p],
            G = pixels[p + 1],
            B = pixels[p + 2];
          sr += R;
          sg += G;
          sb += B;
          sr2 += R * R;
          sg2 += G * G;
          sb2 += B * B;
          const max = R > G ? (R > B ? R : B) : G > B ? G : B;
          const min = R < G ? (R < B ? R : B) : G < B ? G : B;
          sv += max;
          ss += max === 0 ? 0 : (max - min) / max;
          const lum = 0.299 * R + 0.587 * G + 0.114 * B;
          if (prevLum >= 0) {
            dx += Math.abs(lum - prevLum);
            ndx++;
          }
          prevLum = lum;
          if (y + 1 < y1) {
            const q = p + IMAGE_WIDTH * 3;
            dy += Math.abs(0.299 * pixels[q] + 0.587 * pixels[q + 1] + 0.114 * pixels[q + 2] - lum);
            ndy++;
          }
          if (inHair) {
            hist[((R >> 6) * BINS + (G >> 6)) * BINS + (B >> 6)]++;
            histTotal++;
          }
        }
      }
      const k = (y1 - y0) * (x1 - x0);
      const mr = sr / k,
        mg = sg / k,
        mb = sb / k;
      const f = o + r * STATS_PER_REGION;
      out[f] = mr / 255;
      out[f + 1] = mg / 255;
      out[f + 2] = mb / 255;
      out[f + 3] = Math.sqrt(Math.max(0, sr2 / k - mr * mr)) / 255;
      out[f + 4] = Math.sqrt(Math.max(0, sg2 / k - mg * mg)) / 255;
      out[f + 5] = Math.sqrt(Math.max(0, sb2 / k - mb * mb)) / 255;
      out[f + 6] = ss / k;
      out[f + 7] = sv / k / 255;
      out[f + 8] = ndx ? dx / ndx / 255 : 0;
      out[f + 9] = ndy ? dy / ndy / 255 : 0;
    }
    const h = o + REGIONS.length * STATS_PER_REGION;
    for (let b = 0; b < hist.length; b++) out[h + b] = histTotal ? Math.sqrt(hist[b] / histTotal) : 0;
  }
}

// Compile-time guard that the regions fit the image.
for (const r of REGIONS) {
  if (r.y1 > IMAGE_HEIGHT || r.x1 > IMAGE_WIDTH || r.y0 >= r.y1 || r.x0 >= r.x1) throw new Error(`region ${r.name} is outside the image`);
}
