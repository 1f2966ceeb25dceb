import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { ATTRIBUTES_CSV_HEADER, DATASET_VALUES, IMAGE_HEIGHT, IMAGE_WIDTH, imageFileName, zipFileName } from "../../challenge/definition";
import { generateSynthetic, type GenerateSyntheticResult } from "./generate-synthetic";
import { renderPortrait } from "./render-portrait";
import { sampleLabels } from "./sample-labels";
import { ZipSeriesWriter } from "./write-zips";
import { readZip } from "../../../test-support/dataset/read-zip";

const COUNT = 2000;
const SEED = 4;

/** Chunk types of a PNG file, in order. */
function pngChunks(png: Buffer): string[] {
  const types: string[] = [];
  for (let o = 8; o < png.length;) {
    const len = png.readUInt32BE(o);
    types.push(png.toString("ascii", o + 4, o + 8));
    o += 12 + len;
  }
  return types;
}

describe("generateSynthetic", () => {
  let dir: string;
  let folder: GenerateSyntheticResult;
  let zips: GenerateSyntheticResult;
  let csv: string;
  const progress: number[] = [];

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "synthetic-test-"));
    folder = await generateSynthetic({ outDir: path.join(dir, "folder"), count: COUNT, seed: SEED, layout: "folder" });
    zips = await generateSynthetic({
      outDir: path.join(dir, "zips"),
      count: COUNT,
      seed: SEED,
      layout: "zips",
      onProgress: (done, total) => progress.push(done / total),
    });
    csv = await fs.readFile(folder.csvPath, "utf8");
  });
  afterAll(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it("renders on worker threads (tsx bootstrap works under vitest)", () => {
    expect(folder.renderer.mode).toBe("workers");
    expect(folder.renderer.workers).toBeGreaterThan(0);
  });

  it("writes the attributes CSV in the real schema", () => {
    expect(path.basename(folder.csvPath)).toBe("Tiny_Portraits_Attributes.csv");
    expect(csv.includes("\r")).toBe(false);
    expect(csv.endsWith("\n")).toBe(true);
    const lines = csv.slice(0, -1).split("\n");
    expect(lines[0]).toBe(ATTRIBUTES_CSV_HEADER.join(","));
    expect(lines.length).toBe(COUNT + 1);
    let prev = -1,
      gaps = 0,
      bad = 0;
    for (const line of lines.slice(1)) {
      const [idx, g, c, t, extra] = line.split(",");
      const n = Number(idx);
      if (!/^\d+$/.test(idx) || n <= prev || extra !== undefined) bad++;
      if (!DATASET_VALUES.Gender.includes(g) || !DATASET_VALUES.Hair_Color.includes(c) || !DATASET_VALUES.Hair_Type.includes(t)) bad++;
      if (n > prev + 1) gaps++;
      prev = n;
    }
    expect(bad).toBe(0);
    expect(gaps).toBeGreaterThan(COUNT / 5);
    expect(csv).toMatch(/,n\/a,n\/a\n/);
  });

  it("writes one 84 x 108 RGB PNG per row, named by Image_Index, without metadata", async () => {
    const indices = csv
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => Number(l.split(",")[0]));
    expect(folder.imagePaths!.map((p) => path.basename(p))).toEqual(indices.map(imageFileName));
    expect((await fs.readdir(path.join(dir, "folder", "Tiny_Portraits_Images"))).length).toBe(COUNT);
    for (const p of folder.imagePaths!.filter((_, i) => i % 97 === 0)) {
      const png = await fs.readFile(p);
      const meta = await sharp(png).metadata();
      expect([meta.format, meta.width, meta.height, meta.channels, meta.hasAlpha, meta.depth]).toEqual([
        "png",
        IMAGE_WIDTH,
        IMAGE_HEIGHT,
        3,
        false,
        "uchar",
      ]);
      expect(pngChunks(png)).toEqual(["IHDR", "IDAT", "IEND"]);
    }
  });

  it("decodes to exactly the rendered pixels", async () => {
    const labels = sampleLabels({ count: 5, seed: SEED });
    for (let i = 0; i < 5; i++) {
      const { pixels } = renderPortrait({ seed: SEED, ordinal: i, gender: labels.gender[i], color: labels.color[i], type: labels.type[i] });
      const decoded = await sharp(await fs.readFile(folder.imagePaths![i]))
        .raw()
        .toBuffer();
      expect(decoded.equals(Buffer.from(pixels))).toBe(true);
    }
  });

  it("packs the same bytes into zips named like the real archives", async () => {
    expect(zips.zipPaths!.map((p) => path.basename(p))).toEqual([zipFileName(0)]);
    expect(path.basename(path.dirname(zips.zipPaths![0]))).toBe("Tiny_Portraits_Zipfiles");
    expect(await fs.readFile(zips.csvPath, "utf8")).toBe(csv);
    const entries = await readZip(zips.zipPaths![0]);
    expect(entries.size).toBe(COUNT);
    for (const p of folder.imagePaths!) {
      const entry = entries.get(path.basename(p));
      expect(entry && entry.equals(await fs.readFile(p))).toBe(true);
    }
  });

  it("gives identical images whatever the number of workers, or none", async () => {
    const n = 150;
    const one = await generateSynthetic({ outDir: path.join(dir, "w1"), count: n, seed: SEED, layout: "folder", workers: 1 });
    const none = await generateSynthetic({ outDir: path.join(dir, "w0"), count: n, seed: SEED, layout: "folder", workers: 0 });
    expect(none.renderer.mode).toBe("in-thread");
    // Pixels depend on (seed, ordinal) only, so these are the first n images of the big run.
    for (let i = 0; i < n; i++) {
      const ref = await fs.readFile(folder.imagePaths![i]);
      expect((await fs.readFile(one.imagePaths![i])).equals(ref)).toBe(true);
      expect((await fs.readFile(none.imagePaths![i])).equals(ref)).toBe(true);
    }
  });

  it("reports progress up to the total", () => {
    expect(progress.length).toBeGreaterThan(1);
    expect(progress[progress.length - 1]).toBe(1);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  });
});

describe("ZipSeriesWriter", () => {
  it("starts a new archive every perZip entries and stores them at the root", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "zip-series-"));
    try {
      const w = new ZipSeriesWriter(dir, 7);
      for (let i = 0; i < 20; i++) await w.add(i * 2, Buffer.from(`image ${i}`));
      const paths = await w.close();
      expect(paths.map((p) => path.basename(p))).toEqual([0, 1, 2].map(zipFileName));
      const sizes = [];
      for (const p of paths) sizes.push((await readZip(p)).size);
      expect(sizes).toEqual([7, 7, 6]);
      const last = await readZip(paths[2]);
      expect([...last.keys()][0]).toBe(imageFileName(28));
      expect(last.get(imageFileName(38))!.toString()).toBe("image 19");
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
