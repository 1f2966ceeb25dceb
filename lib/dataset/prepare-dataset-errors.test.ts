import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ATTRIBUTES_CSV_NAME, IMAGES_DIR_NAME, imageFileName, zipFileName } from "../challenge/definition";
import { DatasetError, type DatasetErrorCode } from "./dataset-error";
import { prepareDataset } from "./prepare-dataset";
import { fixtureLabels, makeFixtureDataset, type FixtureOptions } from "../../test-support/dataset/make-fixture-dataset";
import { snapshotDataset, type DatasetSnapshot } from "../../test-support/dataset/snapshot-dataset";

const COUNT = 40;
const SEED = "errors-seed";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "prepare-errors-"));
const dataDir = path.join(tmp, "data");
const labels = fixtureLabels(COUNT, 5);
/** Image_Index of the data row on CSV line `line` (line 1 is the header). */
const indexAtLine = (line: number) => labels[line - 2].Image_Index;
let good: DatasetSnapshot;
let caseNo = 0;

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

beforeAll(async () => {
  const src = await makeFixtureDataset({ dir: path.join(tmp, "good"), count: COUNT, seed: 5 });
  await prepareDataset({ sourceDir: src.dir, dataDir, splitSeed: SEED });
  good = snapshotDataset(dataDir);
  expect(good.current).not.toBeNull();
});

async function source(options: Partial<FixtureOptions>): Promise<string> {
  const dir = path.join(tmp, `case-${++caseNo}`);
  await makeFixtureDataset({ dir, count: COUNT, seed: 5, ...options });
  return dir;
}

/** Runs a prepare that must fail, and checks the live dataset did not change at all. */
async function expectFailure(sourceDir: string, code: DatasetErrorCode, extra: { skipBadRows?: boolean } = {}): Promise<DatasetError> {
  let error: unknown;
  try {
    await prepareDataset({ sourceDir, dataDir, splitSeed: SEED, ...extra });
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(DatasetError);
  expect((error as DatasetError).code, (error as Error).message).toBe(code);
  expect(snapshotDataset(dataDir)).toEqual(good);
  return error as DatasetError;
}

describe("prepareDataset refuses bad sources with a precise message and changes nothing", () => {
  it("missing source folder", async () => {
    const err = await expectFailure(path.join(tmp, "does-not-exist"), "source-not-found");
    expect(err.message).toContain("does-not-exist");
  });

  it("missing CSV", async () => {
    const dir = await source({});
    fs.rmSync(path.join(dir, ATTRIBUTES_CSV_NAME));
    const err = await expectFailure(dir, "missing-csv");
    expect(err.message).toBe(`${ATTRIBUTES_CSV_NAME} not found in ${dir}`);
  });

  it("wrong header: says expected and found", async () => {
    const err = await expectFailure(await source({ csv: { header: "Image_Index,Gender,Hair_Colour,Hair_Type" } }), "bad-header");
    expect(err.message).toBe(
      `${ATTRIBUTES_CSV_NAME} line 1: header is "Image_Index,Gender,Hair_Colour,Hair_Type", expected "Image_Index,Gender,Hair_Color,Hair_Type"`,
    );
  });

  it("unknown label: line, column, value and the allowed values", async () => {
    const dir = await source({ csv: { editRows: (rows) => ((rows[15][2] = "purple"), rows) } });
    const err = await expectFailure(dir, "invalid-rows");
    expect(err.message).toContain(`${ATTRIBUTES_CSV_NAME} line 17: Hair_Color "purple" is not one of black, blond, brown, gray, bald, n/a`);
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatchObject({ code: "unknown-label", line: 17 });
    expect(err.message).toMatch(/--skip-bad-rows/);
  });

  it("duplicate Image_Index: both line numbers, even with skipBadRows", async () => {
    const dir = await source({ csv: { editRows: (rows) => ((rows[9][0] = rows[4][0]), rows) } });
    const err = await expectFailure(dir, "duplicate-index", { skipBadRows: true });
    expect(err.message).toContain(`Image_Index ${indexAtLine(6)} appears on line 6 and line 11`);
  });

  it("non-integer Image_Index", async () => {
    const dir = await source({ csv: { editRows: (rows) => ((rows[2][0] = "12a"), rows) } });
    const err = await expectFailure(dir, "invalid-rows");
    expect(err.message).toContain(`${ATTRIBUTES_CSV_NAME} line 4: Image_Index "12a" is not a whole number`);
  });

  it("wrong column count", async () => {
    const dir = await source({ csv: { editRows: (rows) => (rows[0].push("extra"), rows) } });
    const err = await expectFailure(dir, "invalid-rows");
    expect(err.message).toContain(`${ATTRIBUTES_CSV_NAME} line 2: 5 columns, expected 4`);
  });

  it("CSV row without image", async () => {
    const missing = indexAtLine(20);
    const err = await expectFailure(await source({ omitImages: [missing] }), "invalid-rows");
    expect(err.message).toContain(`${ATTRIBUTES_CSV_NAME} line 20: no image ${imageFileName(missing)} for Image_Index ${missing}`);
  });

  it("truncated PNG: names the file", async () => {
    const bad = indexAtLine(12);
    const err = await expectFailure(await source({ truncateImages: [bad] }), "invalid-rows");
    expect(err.message).toMatch(new RegExp(`${IMAGES_DIR_NAME}/${imageFileName(bad)} is truncated or corrupt`));
    expect(err.problems[0]).toMatchObject({ code: "corrupt-image", imageIndex: bad, line: 12 });
  });

  it("truncated PNG inside a zip: names the file and the zip", async () => {
    const bad = indexAtLine(3);
    const err = await expectFailure(await source({ layout: "zips", imagesPerZip: 16, truncateImages: [bad] }), "invalid-rows");
    expect(err.message).toContain(`${imageFileName(bad)} (in ${zipFileName(0)}) is truncated or corrupt`);
  });

  it("wrong image size: found and expected", async () => {
    const bad = indexAtLine(30);
    const err = await expectFailure(await source({ wrongSizeImages: [bad] }), "invalid-rows");
    expect(err.message).toContain(`${imageFileName(bad)} is 100x100, expected 84x108`);
  });

  it("zip entry with ../ refuses the whole zip: path traversal", async () => {
    const err = await expectFailure(await source({ layout: "zips", imagesPerZip: 16, traversalEntry: "../evil.png" }), "path-traversal");
    expect(err.message).toBe(
      `Tiny_Portraits_Zipfiles/${zipFileName(0)} is refused: its entry "../evil.png" points outside the archive folder (path traversal); no file of this zip is used`,
    );
  });

  it("zip entry with an absolute path", async () => {
    const err = await expectFailure(await source({ layout: "zips", imagesPerZip: 16, traversalEntry: "/etc/evil.png" }), "path-traversal");
    expect(err.message).toContain(`"/etc/evil.png"`);
  });

  it("a non-zip file named .zip", async () => {
    const err = await expectFailure(await source({ layout: "zips", imagesPerZip: 16, fakeZip: true }), "invalid-zip");
    expect(err.message).toMatch(new RegExp(`^Tiny_Portraits_Zipfiles/${zipFileName(900)} is not a valid zip file`));
  });

  it("no images at all", async () => {
    const dir = await source({});
    fs.rmSync(path.join(dir, IMAGES_DIR_NAME), { recursive: true });
    const err = await expectFailure(dir, "missing-images");
    expect(err.message).toContain("Tiny_Portraits_Images/");
  });

  it("lists ALL problems at once, capped at 50 + 'and N more'", async () => {
    const truncated = indexAtLine(40);
    const dir = await source({
      count: COUNT,
      truncateImages: [truncated],
      csv: { editRows: (rows) => rows.map((r, i) => (i < 37 ? [r[0], "robot", "teal", r[3]] : r)) },
    });
    const err = await expectFailure(dir, "invalid-rows");
    // 37 rows x 2 bad labels + the truncated image (decoded although the CSV already failed).
    expect(err.problems).toHaveLength(75);
    expect(err.message).toMatch(/the source has 75 problems/);
    expect(err.message).toContain("... and 25 more");
    expect(err.problems.some((p) => p.code === "corrupt-image" && p.imageIndex === truncated)).toBe(true);
  });

  it("refuses to replace a dataset with submissions unless forced, before any work", async () => {
    let asked = 0;
    const hasSubmissions = async () => (asked++, true);
    let error: unknown;
    try {
      await prepareDataset({ sourceDir: path.join(tmp, "good"), dataDir, splitSeed: SEED, hasSubmissions });
    } catch (err) {
      error = err;
    }
    expect(asked).toBe(1);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).code).toBe("has-submissions");
    expect((error as Error).message).toContain("--force");
    expect(snapshotDataset(dataDir)).toEqual(good);
  });

  it("refuses while another prepare holds the lock", async () => {
    const lock = path.join(dataDir, "dataset", ".prepare.lock");
    // pid 1 always exists: a live owner.
    fs.writeFileSync(lock, "1\n");
    try {
      const err = await prepareDataset({ sourceDir: path.join(tmp, "good"), dataDir, splitSeed: SEED }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DatasetError);
      expect((err as DatasetError).code).toBe("busy");
      expect((err as Error).message).toContain("another prepare (process 1) is running");
      expect(fs.readFileSync(lock, "utf8")).toBe("1\n"); // not stolen
    } finally {
      fs.rmSync(lock);
    }
    expect(snapshotDataset(dataDir)).toEqual(good);
  });

  it("takes over a lock left by a process that is gone", async () => {
    const lock = path.join(dataDir, "dataset", ".prepare.lock");
    fs.writeFileSync(lock, "999999999\n");
    const dir = await source({ csv: { header: "nope" } });
    // Gets past the lock, then fails on the header: the stale lock did not block it.
    await expectFailure(dir, "bad-header");
    expect(fs.existsSync(lock)).toBe(false);
  });
});

describe("prepareDataset tolerates what it should", () => {
  const otherData = path.join(tmp, "data-tolerant");

  it("BOM and CRLF in the CSV change nothing in the output", async () => {
    const plain = await prepareDataset({ sourceDir: path.join(tmp, "good"), dataDir: otherData, splitSeed: SEED });
    const plainFiles = snapshotDataset(otherData).files;
    const dir = await source({ csv: { bom: true, crlf: true } });
    const bom = await prepareDataset({ sourceDir: dir, dataDir: otherData, splitSeed: SEED });
    const { "dataset.json": _a, ...a } = plainFiles;
    const { "dataset.json": _b, ...b } = snapshotDataset(otherData).files;
    expect(b).toEqual(a);
    expect(bom.manifest.counts).toEqual(plain.manifest.counts);
  });

  it("images without a CSV row: a warning, ignored", async () => {
    const dir = await source({ extraImages: [999_001, 999_002] });
    const result = await prepareDataset({ sourceDir: dir, dataDir: otherData, splitSeed: SEED });
    expect(result.manifest.counts.total).toBe(COUNT);
    expect(result.manifest.report.warnings.join("\n")).toContain(
      `2 image(s) have no row in ${ATTRIBUTES_CSV_NAME} and were ignored: ${imageFileName(999_001)}, ${imageFileName(999_002)}`,
    );
  });

  it("skipBadRows leaves bad rows out, lists them, and still splits exactly", async () => {
    const missing = indexAtLine(5);
    const truncated = indexAtLine(8);
    const dir = await source({
      omitImages: [missing],
      truncateImages: [truncated],
      csv: { editRows: (rows) => ((rows[20][3] = "curly"), rows) },
    });
    const result = await prepareDataset({ sourceDir: dir, dataDir: otherData, splitSeed: SEED, skipBadRows: true });
    const n = COUNT - 3;
    expect(result.manifest.counts.total).toBe(n);
    expect(result.manifest.counts.test).toBe(Math.round(0.2 * n));
    expect(result.manifest.report.skippedCount).toBe(3);
    expect(result.manifest.report.skipped.map((s) => [s.code, s.line])).toEqual([
      ["missing-image", 5],
      ["corrupt-image", 8],
      ["unknown-label", 22],
    ]);
  });

  it("has-submissions is overridden by force", async () => {
    const result = await prepareDataset({
      sourceDir: path.join(tmp, "good"),
      dataDir: otherData,
      splitSeed: SEED,
      force: true,
      hasSubmissions: async () => true,
    });
    expect(result.manifest.counts.total).toBe(COUNT);
  });
});
