import fs from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import {
  ATTRIBUTES_CSV_HEADER,
  ATTRIBUTES_CSV_NAME,
  IMAGE_HEIGHT,
  IMAGE_WIDTH,
  IMAGES_DIR_NAME,
  ZIPS_DIR_NAME,
  imageFileName,
  zipFileName,
  type LabelRow,
} from "../../lib/challenge/definition";
import { SYNTHETIC_MARKER_FILE } from "../../lib/dataset/layout";
import { createZipWriter } from "../../lib/zip/create-zip-writer";
import { mulberry32 } from "../../lib/random/mulberry32";

/**
 * Small source datasets in the real format (CSV + loose PNGs or zips) for tests and
 * benchmarks, with switches to inject each kind of fault the prepare must report.
 * Deterministic from `seed`. Independent of the synthetic generator on purpose: tests of the
 * pipeline should not break when the generator changes.
 */
export interface FixtureOptions {
  dir: string;
  count: number;
  layout?: "images-folder" | "zips";
  seed?: number;
  imagesPerZip?: number;
  /** Put the PNGs in a folder inside the zips (the published zips may have one). */
  zipSubfolder?: string;
  /** Deflate the PNG entries of the zips (some tools do). */
  deflateZipEntries?: boolean;
  /** Only this many distinct pictures, reused by index (fast large fixtures). */
  distinctImages?: number;
  synthetic?: boolean | string;
  csv?: {
    bom?: boolean;
    crlf?: boolean;
    header?: string;
    /** Edit the data rows (strings) before writing, e.g. to inject a bad label. */
    editRows?: (rows: string[][]) => string[][];
  };
  /** No image for these CSV rows (by Image_Index). */
  omitImages?: number[];
  /** Images with no CSV row. */
  extraImages?: number[];
  /** These PNGs are cut in half. */
  truncateImages?: number[];
  /** These PNGs are 100x100. */
  wrongSizeImages?: number[];
  rgbaImages?: number[];
  greyImages?: number[];
  paletteImages?: number[];
  /** Add an entry `../evil.png` to the first zip. */
  traversalEntry?: string;
  /** Add a text file named like a zip. */
  fakeZip?: boolean;
}

export interface Fixture {
  dir: string;
  rows: LabelRow[];
  /** RGB pixels of each index as written (before any fault), for comparisons. */
  pixelsOf(index: number): Buffer;
}

export { mulberry32 };

function pick<T>(rand: () => number, weighted: [T, number][]): T {
  const total = weighted.reduce((s, [, w]) => s + w, 0);
  let r = rand() * total;
  for (const [v, w] of weighted) if ((r -= w) < 0) return v;
  return weighted[weighted.length - 1][0];
}

/** Labels with roughly the real marginals and a few of its correlations. */
export function fixtureLabels(count: number, seed = 1): LabelRow[] {
  const rand = mulberry32(seed);
  const rows: LabelRow[] = [];
  let index = 0;
  for (let i = 0; i < count; i++) {
    index += 1 + Math.floor(rand() * 2.5); // gaps, like the real indices
    const Gender = rand() < 0.625 ? "female" : "male";
    let Hair_Color = pick(rand, [
      ["n/a", 34],
      ["black", 24],
      ["brown", 22],
      ["blond", 15],
      ["gray", 3.5],
      ["bald", 1.5],
    ] as [string, number][]);
    if (Hair_Color === "blond" && Gender === "male" && rand() < 0.8) Hair_Color = "brown";
    const Hair_Type =
      Hair_Color === "bald"
        ? "bald"
        : pick(rand, [
            ["n/a", 42],
            ["wavy", 36],
            ["straight", 20],
            ["bald", 1],
          ] as [string, number][]);
    rows.push({ Image_Index: index, Gender, Hair_Color, Hair_Type } as LabelRow);
  }
  return rows;
}

/** A deterministic picture: gradients, a disc, noise. Compresses like a photo, not like a flat fill. */
export function fixturePixels(index: number, width = IMAGE_WIDTH, height = IMAGE_HEIGHT): Buffer {
  const rand = mulberry32(index * 7919 + 13);
  const px = Buffer.alloc(width * height * 3);
  const cx = width / 2 + (rand() - 0.5) * 20;
  const cy = height / 2 + (rand() - 0.5) * 20;
  const base = [rand() * 200, rand() * 200, rand() * 200];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      const inside = Math.hypot(x - cx, y - cy) < 28;
      for (let c = 0; c < 3; c++) {
        const v = inside ? 230 - base[c] / 2 + y / 3 : base[c] + x / 2 + c * 10;
        px[o + c] = Math.max(0, Math.min(255, Math.round(v + (rand() - 0.5) * 12)));
      }
    }
  }
  return px;
}

async function encodePng(px: Buffer, width: number, height: number, variant: number): Promise<Buffer> {
  // Different encoder settings so the decoder sees every row filter type and several levels.
  return sharp(px, { raw: { width, height, channels: 3 } })
    .png({ adaptiveFiltering: variant % 2 === 0, compressionLevel: [6, 9, 1][variant % 3] })
    .toBuffer();
}

export async function makeFixtureDataset(options: FixtureOptions): Promise<Fixture> {
  const { dir, count, layout = "images-folder", seed = 1, imagesPerZip = 64 } = options;
  const rows = fixtureLabels(count, seed);
  await fs.mkdir(dir, { recursive: true });
  const distinct = options.distinctImages ?? Infinity;
  const pixelKey = (index: number) => (Number.isFinite(distinct) ? index % distinct : index);
  const pixelsOf = (index: number) => fixturePixels(pixelKey(index));

  // CSV
  let dataRows = rows.map((r) => [String(r.Image_Index), r.Gender, r.Hair_Color, r.Hair_Type]);
  if (options.csv?.editRows) dataRows = options.csv.editRows(dataRows);
  const eol = options.csv?.crlf ? "\r\n" : "\n";
  const header = options.csv?.header ?? ATTRIBUTES_CSV_HEADER.join(",");
  const csv = (options.csv?.bom ? "\uFEFF" : "") + [header, ...dataRows.map((r) => r.join(","))].join(eol) + eol;
  await fs.writeFile(path.join(dir, ATTRIBUTES_CSV_NAME), csv);
  if (options.synthetic) {
    await fs.writeFile(path.join(dir, SYNTHETIC_MARKER_FILE), typeof options.synthetic === "string" ? options.synthetic : "");
  }

  // Images
  const omit = new Set(options.omitImages ?? []);
  const indices = rows.map((r) => r.Image_Index).filter((i) => !omit.has(i));
  indices.push(...(options.extraImages ?? []));
  indices.sort((a, b) => a - b);
  const cache = new Map<number, Buffer>();
  async function pngFor(index: number): Promise<Buffer> {
    if (options.truncateImages?.includes(index)) {
      const png = await encodePng(pixelsOf(index), IMAGE_WIDTH, IMAGE_HEIGHT, index);
      return png.subarray(0, Math.floor(png.length / 2));
    }
    if (options.wrongSizeImages?.includes(index)) return encodePng(fixturePixels(index, 100, 100), 100, 100, index);
    const img = () => sharp(pixelsOf(index), { raw: { width: IMAGE_WIDTH, height: IMAGE_HEIGHT, channels: 3 } });
    if (options.rgbaImages?.includes(index)) return img().ensureAlpha(1).png().toBuffer();
    if (options.greyImages?.includes(index)) return img().greyscale().toColourspace("b-w").png().toBuffer();
    if (options.paletteImages?.includes(index)) return img().png({ palette: true, colours: 64, dither: 0 }).toBuffer();
    const key = pixelKey(index);
    let png = cache.get(key);
    if (!png) {
      png = await encodePng(pixelsOf(index), IMAGE_WIDTH, IMAGE_HEIGHT, key);
      if (Number.isFinite(distinct)) cache.set(key, png);
    }
    return png;
  }

  if (layout === "images-folder") {
    const imagesDir = path.join(dir, IMAGES_DIR_NAME);
    await fs.mkdir(imagesDir, { recursive: true });
    const batch = 16;
    for (let i = 0; i < indices.length; i += batch) {
      await Promise.all(
        indices.slice(i, i + batch).map(async (index) => fs.writeFile(path.join(imagesDir, imageFileName(index)), await pngFor(index))),
      );
    }
  } else {
    const zipsDir = path.join(dir, ZIPS_DIR_NAME);
    await fs.mkdir(zipsDir, { recursive: true });
    const prefix = options.zipSubfolder ? `${options.zipSubfolder.replace(/\/$/, "")}/` : "";
    for (let z = 0; z * imagesPerZip < indices.length; z++) {
      const zipPath = path.join(zipsDir, zipFileName(z));
      const chunk = indices.slice(z * imagesPerZip, (z + 1) * imagesPerZip);
      const pngs = await Promise.all(chunk.map(pngFor));
      // Our own writer: it does not refuse `../` names, which the traversal fault needs.
      const writer = await createZipWriter(zipPath);
      for (let k = 0; k < chunk.length; k++) {
        await writer.add(`${prefix}${imageFileName(chunk[k])}`, pngs[k], { compress: !!options.deflateZipEntries });
      }
      if (z === 0 && options.traversalEntry) await writer.add(options.traversalEntry, pngs[0]);
      await writer.finish();
    }
    if (options.fakeZip) await fs.writeFile(path.join(zipsDir, zipFileName(900)), "this is not a zip\n");
  }
  return { dir, rows, pixelsOf };
}
