import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ATTRIBUTES_CSV_HEADER, IMAGE_BYTES, IMAGES_DIR_NAME, imageFileName, type LabelRow } from "../challenge/definition";
import { datasetInfoFromManifest, formatDatasetInfo, getDatasetInfo } from "./dataset-info";
import { IMAGE_ID_PATTERN } from "./derive-image-id";
import { exportLabels } from "./export-labels";
import {
  EXPORTED_LABELS_HEADER,
  HIDDEN_LABELS_HEADER,
  SAMPLE_SUBMISSION_HEADER,
  TEST_IMAGES_DIR_NAME,
  TRAIN_ZIP_CSV_NAME,
  buildPaths,
  buildsDir,
  currentLinkPath,
  tensorCachePaths,
  trainLabelsPath,
} from "./layout";
import { loadTensorCache, readTensorCacheBatches } from "./load-tensor-cache";
import { prepareDataset, type PrepareResult } from "./prepare-dataset";
import { readHiddenLabels } from "./read-hidden-labels";
import { readPreparedDataset } from "./read-prepared-dataset";
import { readTrainLabels } from "./read-train-labels";
import { stratumKey } from "./split-dataset";
import { fixtureLabels, makeFixtureDataset, type Fixture } from "../../test-support/dataset/make-fixture-dataset";
import { readZip } from "../../test-support/dataset/read-zip";
import { snapshotDataset } from "../../test-support/dataset/snapshot-dataset";

const COUNT = 300;
const SEED = "round-trip-seed";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "prepare-dataset-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let folderFixture: Fixture;
let zipFixture: Fixture;
let rgbaIndex: number;
let greyIndex: number;

beforeAll(async () => {
  // Same seed for both layouts: the same dataset, packed two ways.
  const labels = fixtureLabels(COUNT, 11);
  rgbaIndex = labels[7].Image_Index;
  greyIndex = labels[8].Image_Index;
  const common = { count: COUNT, seed: 11, rgbaImages: [rgbaIndex], greyImages: [greyIndex] };
  folderFixture = await makeFixtureDataset({
    ...common,
    dir: path.join(tmp, "src-folder"),
    layout: "images-folder",
    synthetic: '{"generator":"test"}',
  });
  zipFixture = await makeFixtureDataset({
    ...common,
    dir: path.join(tmp, "src-zips"),
    layout: "zips",
    imagesPerZip: 64,
    zipSubfolder: "Tiny_Portraits_Images",
    deflateZipEntries: true,
  });
});

function parseCsv(text: string): string[][] {
  return text
    .trimEnd()
    .split("\n")
    .map((l) => l.split(","));
}

describe.each([
  ["images-folder", () => folderFixture],
  ["zips", () => zipFixture],
] as const)("prepareDataset from %s", (layout, fixture) => {
  const dataDir = path.join(tmp, `data-${layout}`);
  let result: PrepareResult;
  let rows: Map<number, LabelRow>;

  beforeAll(async () => {
    const stages = new Set<string>();
    result = await prepareDataset({
      sourceDir: fixture().dir,
      dataDir,
      splitSeed: SEED,
      onProgress: (stage) => stages.add(stage),
    });
    rows = new Map(fixture().rows.map((r) => [r.Image_Index, r]));
    expect([...stages]).toEqual(expect.arrayContaining(["read-csv", "list-images", "images", "test-zip", "finalize"]));
  });

  it("writes the documented layout and swaps `current` to the one build", () => {
    const p = buildPaths(result.buildDir);
    for (const file of [p.manifest, p.trainZip, p.testZip, p.sampleSubmission, p.checksums, p.hiddenLabels]) {
      expect(fs.existsSync(file), file).toBe(true);
    }
    for (const name of ["train", "test"] as const) {
      const c = tensorCachePaths(p.cacheDir, name);
      expect(fs.existsSync(c.pixels) && fs.existsSync(c.meta)).toBe(true);
    }
    expect(fs.existsSync(trainLabelsPath(p.cacheDir))).toBe(true);
    expect(fs.readlinkSync(currentLinkPath(dataDir))).toBe(path.join("builds", result.buildId));
    expect(fs.readdirSync(buildsDir(dataDir))).toEqual([result.buildId]);
    expect(fs.statSync(p.hiddenDir).mode & 0o077).toBe(0);
  });

  it("splits exactly and stratified, public/private halves", () => {
    const m = result.manifest;
    expect(m.counts).toEqual({ total: COUNT, train: 240, test: 60, public: 30, private: 30 });
    expect(m.source.layout).toBe(layout);
    expect(m.source.kind).toBe(layout === "images-folder" ? "synthetic" : "real");
    if (layout === "images-folder") expect(m.source.marker).toEqual({ generator: "test" });
    expect(m.splitSeedHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(m)).not.toContain(SEED);

    const hidden = parseCsv(fs.readFileSync(buildPaths(result.buildDir).hiddenLabels, "utf8"));
    expect(hidden[0]).toEqual([...HIDDEN_LABELS_HEADER]);
    const test = hidden.slice(1);
    const perStratum = new Map<string, { n: number; test: number; pub: number }>();
    for (const r of rows.values()) {
      const k = stratumKey(r);
      perStratum.set(k, { n: (perStratum.get(k)?.n ?? 0) + 1, test: 0, pub: 0 });
    }
    for (const [, split, , , , index] of test) {
      const s = perStratum.get(stratumKey(rows.get(Number(index))!))!;
      s.test++;
      if (split === "public") s.pub++;
    }
    for (const [k, s] of perStratum) {
      expect(Math.abs(s.test - 0.2 * s.n), k).toBeLessThan(1);
      expect(Math.abs(s.pub - 0.5 * s.test), k).toBeLessThan(1);
    }
    // Label counts in the manifest agree with the rows.
    expect(m.labelCounts.test.Gender.female + m.labelCounts.test.Gender.male).toBe(60);
    expect(m.labelCounts.public.Hair_Type["n/a"] + m.labelCounts.private.Hair_Type["n/a"]).toBe(m.labelCounts.test.Hair_Type["n/a"]);
  });

  it("serves no test image under its Image_Index", async () => {
    const p = buildPaths(result.buildDir);
    const hidden = await readHiddenLabels(dataDir);
    const testIndices = new Set(hidden.map((h) => h.Image_Index));
    const testZip = await readZip(p.testZip);
    const names = [...testZip.keys()];
    expect(names).toHaveLength(60);
    // Entry order = Image_Id order, names carry only the id.
    expect(names).toEqual(hidden.map((h) => `${TEST_IMAGES_DIR_NAME}/${h.Image_Id}.png`));
    for (const h of hidden) expect(h.Image_Id).toMatch(IMAGE_ID_PATTERN);

    const testMetaText = fs.readFileSync(tensorCachePaths(p.cacheDir, "test").meta, "utf8");
    expect(Object.keys(JSON.parse(testMetaText)).sort()).toEqual(["channels", "count", "height", "ids", "width"]);
    const sample = fs.readFileSync(p.sampleSubmission, "utf8");
    expect(fs.readdirSync(p.cacheDir).sort()).toEqual(["test.json", "test.u8", "train-labels.csv", "train.json", "train.u8"]);
    for (const index of testIndices) {
      const name = imageFileName(index);
      expect(names.some((n) => n.includes(name))).toBe(false);
      // Ids are base32 letters/digits 2-7: an index could only appear by accident, never as a field.
      expect(sample.split("\n").some((l) => l.split(",")[0] === String(index))).toBe(false);
      expect(JSON.parse(testMetaText).ids).not.toContain(String(index));
    }
    // No test row in the train side.
    const trainZip = await readZip(p.trainZip);
    for (const index of testIndices) expect(trainZip.has(`${IMAGES_DIR_NAME}/${imageFileName(index)}`)).toBe(false);
  });

  it("re-encodes test PNGs: new bytes, same pixels", async () => {
    const p = buildPaths(result.buildDir);
    const hidden = await readHiddenLabels(dataDir);
    const testZip = await readZip(p.testZip);
    const source = sourceBytes(fixture(), layout);
    for (const h of hidden) {
      const png = testZip.get(`${TEST_IMAGES_DIR_NAME}/${h.Image_Id}.png`)!;
      expect(png.equals(await source(h.Image_Index))).toBe(false);
      const pixels = await sharp(png).raw().toBuffer();
      expect(pixels.equals(expectedPixels(fixture(), h.Image_Index)), `${h.Image_Id}`).toBe(true);
    }
  });

  it("packs the train zip with the original names and bytes and the train CSV", async () => {
    const p = buildPaths(result.buildDir);
    const trainZip = await readZip(p.trainZip);
    const names = [...trainZip.keys()];
    expect(names[0]).toBe(TRAIN_ZIP_CSV_NAME);
    expect(names).toHaveLength(241);
    const csv = trainZip.get(TRAIN_ZIP_CSV_NAME)!.toString("utf8");
    expect(csv).toBe(fs.readFileSync(trainLabelsPath(p.cacheDir), "utf8"));
    const parsed = parseCsv(csv);
    expect(parsed[0]).toEqual([...ATTRIBUTES_CSV_HEADER]);
    const trainIndices = parsed.slice(1).map((r) => Number(r[0]));
    expect(names.slice(1)).toEqual(trainIndices.map((i) => `${IMAGES_DIR_NAME}/${imageFileName(i)}`));
    const source = sourceBytes(fixture(), layout);
    for (const i of trainIndices) {
      const bytes = trainZip.get(`${IMAGES_DIR_NAME}/${imageFileName(i)}`)!;
      if (i === rgbaIndex || i === greyIndex) {
        // Converted files are re-encoded as RGB, so the zip and the cache agree.
        expect((await sharp(bytes).raw().toBuffer()).equals(expectedPixels(fixture(), i))).toBe(true);
      } else {
        expect(bytes.equals(await source(i))).toBe(true);
      }
    }
    const row = parsed[1];
    expect(rows.get(Number(row[0]))).toMatchObject({ Gender: row[1], Hair_Color: row[2], Hair_Type: row[3] });
  });

  it("notes converted images in the report", () => {
    const warnings = result.manifest.report.warnings.join("\n");
    expect(warnings).toContain(`${imageFileName(rgbaIndex)}`);
    expect(warnings).toContain("converted from RGBA to RGB");
    expect(warnings).toContain("converted from greyscale to RGB");
  });

  it("fills the tensor caches with the PNG pixels in the documented order", async () => {
    const p = buildPaths(result.buildDir);
    const train = await loadTensorCache(p.cacheDir, "train");
    expect(train.meta.count).toBe(240);
    expect(train.pixels.length).toBe(240 * IMAGE_BYTES);
    expect(train.meta.indices).toEqual([...train.meta.indices].sort((a, b) => a - b));
    train.meta.indices.forEach((index, i) => {
      const block = Buffer.from(train.pixels.buffer, train.pixels.byteOffset + i * IMAGE_BYTES, IMAGE_BYTES);
      expect(block.equals(expectedPixels(fixture(), index)), `train ${index}`).toBe(true);
    });
    const labels = await readTrainLabels(p.cacheDir);
    expect(labels.map((l) => l.Image_Index)).toEqual(train.meta.indices);

    const test = await loadTensorCache(p.cacheDir, "test");
    const hidden = await readHiddenLabels(dataDir);
    expect(test.meta.ids).toEqual(hidden.map((h) => h.Image_Id));
    hidden.forEach((h, j) => {
      const block = Buffer.from(test.pixels.buffer, test.pixels.byteOffset + j * IMAGE_BYTES, IMAGE_BYTES);
      expect(block.equals(expectedPixels(fixture(), h.Image_Index))).toBe(true);
    });

    // The streaming reader yields the same bytes in batches.
    const parts: Uint8Array[] = [];
    for await (const batch of readTensorCacheBatches(p.cacheDir, "test", { batchSize: 7 })) {
      expect(batch.pixels.length).toBe(batch.count * IMAGE_BYTES);
      parts.push(batch.pixels);
    }
    expect(Buffer.concat(parts).equals(Buffer.from(test.pixels))).toBe(true);
    let reused = 0;
    for await (const batch of readTensorCacheBatches(p.cacheDir, "test", { batchSize: 16, reuseBuffer: true, start: 16 })) {
      const expected = Buffer.from(test.pixels.buffer, test.pixels.byteOffset + batch.start * IMAGE_BYTES, batch.count * IMAGE_BYTES);
      expect(Buffer.from(batch.pixels.buffer, batch.pixels.byteOffset, batch.pixels.length).equals(expected)).toBe(true);
      reused += batch.count;
    }
    expect(reused).toBe(60 - 16);
    // Loading into an earlier buffer gives the same bytes.
    const again = await loadTensorCache(p.cacheDir, "test", { into: new Uint8Array(test.pixels.length + 10) });
    expect(Buffer.from(again.pixels).equals(Buffer.from(test.pixels))).toBe(true);
  });

  it("writes a sample submission and checksums that verify", () => {
    const p = buildPaths(result.buildDir);
    const sample = parseCsv(fs.readFileSync(p.sampleSubmission, "utf8"));
    expect(sample[0]).toEqual([...SAMPLE_SUBMISSION_HEADER]);
    const ids = sample.slice(1).map((r) => r[0]);
    expect(ids).toHaveLength(60);
    expect(ids).toEqual([...ids].sort());
    const first = sample[1].slice(1);
    expect(sample.slice(1).every((r) => r.slice(1).join() === first.join())).toBe(true);
    expect(first).not.toContain("n/a");

    const sums = fs.readFileSync(p.checksums, "utf8").trimEnd().split("\n");
    expect(sums).toHaveLength(3);
    for (const line of sums) {
      const [hash, name] = line.split("  ");
      const download = result.manifest.downloads.find((d) => d.name === name)!;
      expect(download.sha256).toBe(hash);
      expect(download.sizeBytes).toBe(fs.statSync(path.join(p.publicDir, name)).size);
      expect(
        crypto
          .createHash("sha256")
          .update(fs.readFileSync(path.join(p.publicDir, name)))
          .digest("hex"),
      ).toBe(hash);
    }
    expect(result.manifest.downloads.map((d) => d.kind)).toEqual(["train-zip", "test-zip", "sample-submission", "checksums"]);
  });

  it("reads back through the public readers", async () => {
    const prepared = await readPreparedDataset(dataDir);
    expect(prepared?.buildId).toBe(result.buildId);
    expect(prepared?.buildDir).toBe(fs.realpathSync(result.buildDir));
    expect(await readPreparedDataset(path.join(tmp, "nothing-here"))).toBeUndefined();

    const out = path.join(tmp, `export-${layout}.csv`);
    expect(await exportLabels({ dataDir, outPath: out })).toMatchObject({ rows: 60 });
    const exported = parseCsv(fs.readFileSync(out, "utf8"));
    expect(exported[0]).toEqual([...EXPORTED_LABELS_HEADER]);
    expect(exported).toHaveLength(61);

    const info = await getDatasetInfo({ dataDir });
    expect(info?.counts.test).toBe(60);
    const female = info!.labels.find((l) => l.attribute === "Gender" && l.value === "female")!;
    expect(female.train + female.test).toBe([...rows.values()].filter((r) => r.Gender === "female").length);
    const table = formatDatasetInfo(datasetInfoFromManifest(result.manifest));
    expect(table).toContain("Hair_Color");
    expect(table).toContain("240 train");
  });

  it("is idempotent: the same source and seed give byte-identical outputs", async () => {
    const before = snapshotDataset(dataDir);
    const again = await prepareDataset({ sourceDir: fixture().dir, dataDir, splitSeed: SEED });
    const after = snapshotDataset(dataDir);
    expect(again.buildId).not.toBe(result.buildId);
    expect(after.builds).toEqual([again.buildId]); // the old build was deleted
    const { "dataset.json": _m1, ...files1 } = before.files;
    const { "dataset.json": _m2, ...files2 } = after.files;
    expect(files2).toEqual(files1);
    const strip = (m: typeof result.manifest) => ({ ...m, buildId: "", createdAt: "", timings: {} });
    expect(strip(again.manifest)).toEqual(strip(result.manifest));
    result = again;
  });
});

describe("both layouts", () => {
  it("give the same downloads and caches for the same data", () => {
    const a = snapshotDataset(path.join(tmp, "data-images-folder"));
    const b = snapshotDataset(path.join(tmp, "data-zips"));
    const { "dataset.json": _a, ...fa } = a.files;
    const { "dataset.json": _b, ...fb } = b.files;
    expect(fb).toEqual(fa);
  });

  it("decoding everything with sharp gives the same outputs as the fast decoder on workers", async () => {
    const dataDir = path.join(tmp, "data-sharp");
    await prepareDataset({ sourceDir: folderFixture.dir, dataDir, splitSeed: SEED, decoder: "sharp" });
    const { "dataset.json": _a, ...fa } = snapshotDataset(path.join(tmp, "data-images-folder")).files;
    const { "dataset.json": _b, ...fb } = snapshotDataset(dataDir).files;
    expect(fb).toEqual(fa);
  });
});

/** The pixels prepare must produce for an index (the fixture's, or grey's replicated luminance). */
const greyCache = new Map<number, Buffer>();
function expectedPixels(fixture: Fixture, index: number): Buffer {
  if (index !== greyIndex) return fixture.pixelsOf(index);
  return greyCache.get(index)!;
}

beforeAll(async () => {
  // The grey PNG holds the fixture's luminance; as RGB, that value three times.
  const png = fs.readFileSync(path.join(tmp, "src-folder", IMAGES_DIR_NAME, imageFileName(greyIndex)));
  const { data, info } = await sharp(png).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(1);
  const rgb = Buffer.alloc(data.length * 3);
  for (let i = 0; i < data.length; i++) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = data[i];
  greyCache.set(greyIndex, rgb);
});

/** Original PNG bytes of the fixture, from the folder or from the zips. */
function sourceBytes(fixture: Fixture, layout: string): (index: number) => Promise<Buffer> {
  let zipped: Map<string, Buffer> | undefined;
  return async (index) => {
    if (layout === "images-folder") return fs.readFileSync(path.join(fixture.dir, IMAGES_DIR_NAME, imageFileName(index)));
    if (!zipped) {
      zipped = new Map();
      const dir = path.join(fixture.dir, "Tiny_Portraits_Zipfiles");
      for (const name of fs.readdirSync(dir)) {
        for (const [entry, data] of await readZip(path.join(dir, name))) zipped.set(path.basename(entry), data);
      }
    }
    return zipped.get(imageFileName(index))!;
  };
}
