/**
 * The issue-level round trip: the synthetic generator's output, in both layouts, through
 * `prepare`, checked the way a participant and an organizer would look at the result.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ATTRIBUTES,
  ATTRIBUTES_CSV_HEADER,
  ATTRIBUTES_CSV_NAME,
  DATASET_VALUES,
  IMAGE_BYTES,
  IMAGE_HEIGHT,
  IMAGE_WIDTH,
  REAL_DATASET,
} from "../challenge/definition";
import { encodeRgbPng } from "../dataset/encode-rgb-png";
import { generateSynthetic } from "../dataset/synthetic/generate-synthetic";
import { prepareDataset, type PrepareResult } from "../dataset/prepare-dataset";
import { buildPaths, tensorCachePaths } from "../dataset/layout";
import { readHiddenLabels } from "../dataset/read-hidden-labels";
import { readZip } from "../../test-support/dataset/read-zip";

const COUNT = 2000;
const SEED = 3;
const SPLIT_SEED = "round-trip-secret";

let work: string;
let zipsResult: PrepareResult;
let folderResult: PrepareResult;
let rows: Record<string, string>[];

async function pixelsOf(png: Buffer): Promise<Buffer> {
  return sharp(png).removeAlpha().raw().toBuffer();
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "tp-round-trip-"));
  for (const layout of ["zips", "folder"] as const) {
    await generateSynthetic({ outDir: path.join(work, `src-${layout}`), count: COUNT, seed: SEED, layout });
  }
  zipsResult = await prepareDataset({
    sourceDir: path.join(work, "src-zips"),
    dataDir: path.join(work, "data-zips"),
    splitSeed: SPLIT_SEED,
  });
  folderResult = await prepareDataset({
    sourceDir: path.join(work, "src-folder"),
    dataDir: path.join(work, "data-folder"),
    splitSeed: SPLIT_SEED,
  });
  rows = parse(fs.readFileSync(path.join(work, "src-zips", ATTRIBUTES_CSV_NAME)), { columns: true });
}, 300_000);

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe("synthetic portraits -> prepare, both layouts", () => {
  it("writes the real CSV schema and vocabularies, with label proportions near the real ones", () => {
    const header = fs.readFileSync(path.join(work, "src-zips", ATTRIBUTES_CSV_NAME), "utf8").split("\n")[0];
    expect(header).toBe(ATTRIBUTES_CSV_HEADER.join(","));
    expect(rows).toHaveLength(COUNT);
    for (const a of ATTRIBUTES) {
      for (const r of rows) expect(DATASET_VALUES[a]).toContain(r[a]);
      const real = REAL_DATASET.counts[a] as Record<string, number>;
      for (const [value, n] of Object.entries(real)) {
        const share = rows.filter((r) => r[a] === value).length / COUNT;
        // 2,000 draws: a standard error of about 1 point; 4 points is a real discrepancy.
        expect(Math.abs(share - n / REAL_DATASET.total), `${a}=${value}`).toBeLessThan(0.04);
      }
    }
  });

  it("marks the build synthetic and splits 80/20 with public/private halves", () => {
    const m = zipsResult.manifest;
    expect(m.source.kind).toBe("synthetic");
    expect(m.counts).toMatchObject({ total: COUNT, train: 1600, test: 400, public: 200, private: 200 });
  });

  it("stratifies on (Gender, Hair_Color, Hair_Type): every stratum is within one image of 20% test", async () => {
    const hidden = await readHiddenLabels(path.join(work, "data-zips"));
    const testIndices = new Set(hidden.map((h) => h.Image_Index));
    const strata = new Map<string, { n: number; test: number }>();
    for (const r of rows) {
      const key = `${r.Gender}/${r.Hair_Color}/${r.Hair_Type}`;
      const s = strata.get(key) ?? { n: 0, test: 0 };
      s.n++;
      if (testIndices.has(Number(r.Image_Index))) s.test++;
      strata.set(key, s);
    }
    expect(strata.size).toBeGreaterThan(10);
    for (const [key, s] of strata) expect(Math.abs(s.test - 0.2 * s.n), key).toBeLessThanOrEqual(1);
  });

  it("never serves a test image under its Image_Index", async () => {
    const paths = buildPaths(zipsResult.buildDir);
    const hidden = await readHiddenLabels(path.join(work, "data-zips"));
    const testNames = [...(await readZip(paths.testZip)).keys()];
    const sample = fs.readFileSync(paths.sampleSubmission, "utf8");
    const testMeta = fs.readFileSync(tensorCachePaths(paths.cacheDir, "test").meta, "utf8");
    expect(testNames).toHaveLength(400);
    for (const name of testNames) expect(name).toMatch(/^Tiny_Portraits_Test\/tp-[a-z2-7]+\.png$/);
    for (const h of hidden) {
      const padded = String(h.Image_Index).padStart(6, "0");
      expect(testNames.some((n) => n.includes(padded))).toBe(false);
      expect(sample.includes(padded)).toBe(false);
      expect(testMeta.includes(padded)).toBe(false);
    }
    // The train zip holds train rows only.
    const trainZip = await readZip(paths.trainZip);
    const trainCsv = parse(trainZip.get(ATTRIBUTES_CSV_NAME)!, { columns: true }) as Record<string, string>[];
    expect(trainCsv).toHaveLength(1600);
    const testSet = new Set(hidden.map((h) => String(h.Image_Index)));
    expect(trainCsv.some((r) => testSet.has(r.Image_Index))).toBe(false);
  });

  it("keeps tensor caches equal to the PNG pixels, and test PNGs re-encoded", async () => {
    const paths = buildPaths(zipsResult.buildDir);
    const trainZip = await readZip(paths.trainZip);
    const testZip = await readZip(paths.testZip);
    const train = fs.readFileSync(tensorCachePaths(paths.cacheDir, "train").pixels);
    const test = fs.readFileSync(tensorCachePaths(paths.cacheDir, "test").pixels);
    const trainMeta = JSON.parse(fs.readFileSync(tensorCachePaths(paths.cacheDir, "train").meta, "utf8"));
    const testMeta = JSON.parse(fs.readFileSync(tensorCachePaths(paths.cacheDir, "test").meta, "utf8"));
    expect(train.length).toBe(1600 * IMAGE_BYTES);
    expect(test.length).toBe(400 * IMAGE_BYTES);
    for (const i of [0, 777, 1599]) {
      const name = `Tiny_Portraits_Images/Tiny_Portrait_${String(trainMeta.indices[i]).padStart(6, "0")}.png`;
      expect(await pixelsOf(trainZip.get(name)!)).toEqual(train.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES));
    }
    const hidden = await readHiddenLabels(path.join(work, "data-zips"));
    const indexOf = new Map(hidden.map((h) => [h.Image_Id, h.Image_Index]));
    const sourceZips = fs.readdirSync(path.join(work, "src-zips", "Tiny_Portraits_Zipfiles"));
    const sourcePngs = new Map<string, Buffer>();
    for (const z of sourceZips)
      for (const [k, v] of await readZip(path.join(work, "src-zips", "Tiny_Portraits_Zipfiles", z))) sourcePngs.set(k, v);
    for (const i of [0, 199, 399]) {
      const id = testMeta.ids[i];
      const png = testZip.get(`Tiny_Portraits_Test/${id}.png`)!;
      const original = sourcePngs.get(`Tiny_Portrait_${String(indexOf.get(id)).padStart(6, "0")}.png`)!;
      // Re-encoded from the test cache by the platform's encoder. The synthetic source was written
      // by that same encoder, so its bytes may well be equal; that test PNGs carry none of a
      // foreign file's bytes is checked in prepare-dataset.test.ts on sharp-made PNGs.
      expect(png.equals(encodeRgbPng(test.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES), IMAGE_WIDTH, IMAGE_HEIGHT))).toBe(true);
      expect(await pixelsOf(png)).toEqual(test.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES));
      expect(await pixelsOf(original)).toEqual(await pixelsOf(png));
      expect((await sharp(png).metadata()).exif).toBeUndefined();
    }
  });

  it("gives byte-identical downloads from the zip layout and the folder layout", () => {
    const a = zipsResult.manifest.downloads.map((d) => [d.name, d.sha256]);
    const b = folderResult.manifest.downloads.map((d) => [d.name, d.sha256]);
    expect(a).toEqual(b);
  });
});

describe("npm run data (the CLI)", () => {
  const cli = (args: string[], dataDir: string) =>
    promisify(execFile)(process.execPath, ["--import", "tsx", path.resolve(__dirname, "../../cli/data.ts"), ...args], {
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "" },
    }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e) => ({ code: e.code as number, stdout: e.stdout as string, stderr: e.stderr as string }),
    );

  it("says what is wrong and exits non-zero on a bad source or an empty instance", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tp-cli-"));
    const missing = await cli(["prepare", "--source", path.join(dataDir, "nope")], dataDir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/error: source folder .*nope does not exist/);
    const info = await cli(["info"], dataDir);
    expect(info.code).toBe(1);
    expect(info.stderr).toMatch(/no dataset is prepared yet/);
    const bad = await cli(["generate", "--out", dataDir, "--count", "zero"], dataDir);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--count.*positive whole number/);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("prepares a generated folder, prints the info table, and exports the hidden labels", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tp-cli-"));
    const source = path.join(dataDir, "src");
    expect((await cli(["generate", "--out", source, "--count", "300"], dataDir)).code).toBe(0);
    const prepared = await cli(["prepare", "--source", source], dataDir);
    expect(prepared.stderr).toMatch(/prepared \S+ in/);
    expect(prepared.code).toBe(0);
    expect(prepared.stdout).toMatch(/300 images: 240 train, 60 test \(30 public, 30 private\)/);
    const out = path.join(dataDir, "labels.csv");
    expect((await cli(["export-labels", "--out", out], dataDir)).code).toBe(0);
    const lines = fs.readFileSync(out, "utf8").trim().split(/\r?\n/);
    expect(lines[0]).toBe("Image_Id,Split,Gender,Hair_Color,Hair_Type");
    expect(lines).toHaveLength(61);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
