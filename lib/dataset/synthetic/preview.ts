/**
 * Renders a mosaic of synthetic portraits with their labels, for a human to look at.
 *
 *   npx tsx lib/dataset/synthetic/preview.ts /tmp/mosaic.png [--seed 1] [--cols 12] [--rows 6] [--zoom 2] [--start 0]
 *
 * Each tile shows the written labels (gender, colour/type); when the drawn truth differs (label
 * noise, or the reason behind an n/a) it is shown on a second line.
 */
import sharp from "sharp";
import { IMAGE_HEIGHT, IMAGE_WIDTH } from "../../challenge/definition";
import { sampleLabels } from "./sample-labels";
import { renderPortrait } from "./render-portrait";

export async function renderPreview(options: {
  out: string;
  seed?: number;
  cols?: number;
  rows?: number;
  zoom?: number;
  start?: number;
}): Promise<void> {
  const { out, seed = 1, cols = 12, rows = 6, zoom = 2, start = 0 } = options;
  const n = cols * rows;
  const labels = sampleLabels({ count: start + n, seed });
  const tileW = IMAGE_WIDTH * zoom;
  const tileH = IMAGE_HEIGHT * zoom;
  const captionH = 26;
  const W = cols * tileW,
    H = rows * (tileH + captionH);
  const mosaic = Buffer.alloc(W * H * 3, 255);
  const texts: string[] = [];
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  for (let k = 0; k < n; k++) {
    const i = start + k;
    const { pixels, plan } = renderPortrait({ seed, ordinal: i, gender: labels.gender[i], color: labels.color[i], type: labels.type[i] });
    const ox = (k % cols) * tileW,
      oy = Math.floor(k / cols) * (tileH + captionH);
    for (let y = 0; y < tileH; y++)
      for (let x = 0; x < tileW; x++) {
        const src = (Math.floor(y / zoom) * IMAGE_WIDTH + Math.floor(x / zoom)) * 3;
        const dst = ((oy + y) * W + ox + x) * 3;
        mosaic[dst] = pixels[src];
        mosaic[dst + 1] = pixels[src + 1];
        mosaic[dst + 2] = pixels[src + 2];
      }
    const l = plan.label,
      t = plan.truth;
    const line1 = `${l.gender === "female" ? "F" : "M"} ${l.color}/${l.type}`;
    const diffs: string[] = [];
    if (t.gender !== l.gender) diffs.push(`is ${t.gender}`);
    if (t.color !== l.color) diffs.push(t.color);
    if (t.type !== l.type) diffs.push(t.type);
    if (t.occluder !== "none") diffs.push(t.occluder);
    texts.push(`<text x="${ox + 3}" y="${oy + tileH + 11}">${esc(line1)}</text>`);
    if (diffs.length) texts.push(`<text x="${ox + 3}" y="${oy + tileH + 23}" fill="#b00">${esc(diffs.join(" "))}</text>`);
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><g font-family="DejaVu Sans, sans-serif" font-size="10" fill="#000">${texts.join("")}</g></svg>`;
  await sharp(mosaic, { raw: { width: W, height: H, channels: 3 } })
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .png()
    .toFile(out);
}

if (process.argv[1] && /preview\.ts$/.test(process.argv[1])) {
  const args = process.argv.slice(2);
  const out = args.find((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--")) ?? "/tmp/synthetic-mosaic.png";
  const opt = (name: string, def: number) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : def;
  };
  renderPreview({
    out,
    seed: opt("seed", 1),
    cols: opt("cols", 12),
    rows: opt("rows", 6),
    zoom: opt("zoom", 2),
    start: opt("start", 0),
  }).then(
    () => console.log(`wrote ${out}`),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
