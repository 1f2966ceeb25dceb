import { afterAll, beforeAll, describe, expect, it } from "vitest";
import sharp from "sharp";
import { ATTRIBUTES, DATASET_VALUES, IMAGE_HEIGHT, IMAGE_WIDTH, NA, type LabelRow } from "../challenge/definition";
import { readHiddenLabels } from "../dataset/read-hidden-labels";
import { fixtureLabels } from "../../test-support/dataset/make-fixture-dataset";
import { prepareFixtureBuild, type FixtureBuild } from "../../test-support/downloads/prepare-fixture-build";
import { isAppError } from "../errors/app-error";
import { exploreTrainPortraits } from "./explore-train-portraits";
import { getTrainPortraitImage } from "./get-train-portrait-image";
import { ANY, exploreQuerySchema, sampleTrainPortraits } from "./sample-train-portraits";

const noFilters = { Gender: ANY, Hair_Color: ANY, Hair_Type: ANY };

describe("sampleTrainPortraits", () => {
  const rows: LabelRow[] = fixtureLabels(3000, 11);

  it("picks 48 distinct portraits, the same ones for the same seed and others for another seed", () => {
    const a = sampleTrainPortraits({ rows, filters: noFilters, seed: 42 });
    const b = sampleTrainPortraits({ rows, filters: noFilters, seed: 42 });
    const c = sampleTrainPortraits({ rows, filters: noFilters, seed: 43 });
    expect(a.portraits).toHaveLength(48);
    expect(new Set(a.portraits.map((p) => p.imageIndex)).size).toBe(48);
    expect(b.portraits).toEqual(a.portraits);
    expect(c.portraits.map((p) => p.imageIndex)).not.toEqual(a.portraits.map((p) => p.imageIndex));
    expect(a.matching).toBe(rows.length);
  });

  it("returns only rows with every chosen value, n/a included, with their own labels", () => {
    const byIndex = new Map(rows.map((r) => [r.Image_Index, r]));
    const cases = [
      { Gender: "female", Hair_Color: ANY, Hair_Type: ANY },
      { Gender: ANY, Hair_Color: NA, Hair_Type: ANY },
      { Gender: ANY, Hair_Color: ANY, Hair_Type: NA },
      { Gender: "male", Hair_Color: "black", Hair_Type: "wavy" },
      { Gender: ANY, Hair_Color: "bald", Hair_Type: "bald" },
    ];
    for (const filters of cases) {
      const expected = rows.filter((r) => ATTRIBUTES.every((a) => filters[a] === ANY || r[a] === filters[a]));
      const sample = sampleTrainPortraits({ rows, filters, seed: 7 });
      expect(sample.matching, JSON.stringify(filters)).toBe(expected.length);
      expect(sample.portraits.length).toBe(Math.min(48, expected.length));
      for (const p of sample.portraits) {
        const row = byIndex.get(p.imageIndex)!;
        expect(p.labels).toEqual({ Gender: row.Gender, Hair_Color: row.Hair_Color, Hair_Type: row.Hair_Type });
        for (const a of ATTRIBUTES) if (filters[a] !== ANY) expect(p.labels[a]).toBe(filters[a]);
      }
      // The distribution covers all matches, not only the 48 shown.
      for (const a of ATTRIBUTES) {
        expect(Object.values(sample.matchingCounts[a]).reduce((s, n) => s + n, 0)).toBe(expected.length);
      }
    }
  });

  it("returns everything (shuffled) when fewer rows match than a page holds, and nothing for no match", () => {
    const few = rows.slice(0, 10);
    const sample = sampleTrainPortraits({ rows: few, filters: noFilters, seed: 1 });
    expect(sample.portraits.map((p) => p.imageIndex).sort((x, y) => x - y)).toEqual(few.map((r) => r.Image_Index));
    expect(sampleTrainPortraits({ rows: few, filters: { ...noFilters, Gender: "nobody" }, seed: 1 }).portraits).toEqual([]);
  });

  it("reads GET parameters leniently: unknown values mean 'any', a bad seed means none", () => {
    expect(exploreQuerySchema.parse({})).toEqual({ gender: ANY, hairColor: ANY, hairType: ANY, seed: undefined });
    expect(exploreQuerySchema.parse({ gender: "male", hairColor: "n/a", hairType: "bald", seed: "123" })).toEqual({
      gender: "male",
      hairColor: NA,
      hairType: "bald",
      seed: 123,
    });
    expect(exploreQuerySchema.parse({ gender: "robot", hairColor: "red", seed: "-1" })).toMatchObject({
      gender: ANY,
      hairColor: ANY,
      seed: undefined,
    });
    expect(exploreQuerySchema.parse({ seed: "1e99" }).seed).toBeUndefined();
    for (const v of DATASET_VALUES.Hair_Type) expect(exploreQuerySchema.parse({ hairType: v }).hairType).toBe(v);
  });
});

describe("explorer on a prepared dataset", () => {
  let build: FixtureBuild;
  let testIndices: number[];
  beforeAll(async () => {
    build = await prepareFixtureBuild({ count: 80 });
    testIndices = (await readHiddenLabels(build.dataDir)).map((r) => r.Image_Index);
  });
  afterAll(() => build?.cleanup());

  it("samples train portraits only, never a test image", async () => {
    const view = await exploreTrainPortraits({ dataDir: build.dataDir, query: { gender: ANY, hairColor: ANY, hairType: ANY, seed: 5 } });
    expect(view?.total).toBe(build.manifest.counts.train);
    expect(view?.portraits).toHaveLength(48);
    const test = new Set(testIndices);
    expect(test.size).toBe(build.manifest.counts.test);
    for (const p of view!.portraits) expect(test.has(p.imageIndex)).toBe(false);
    // Exhaustive: every train row shows up across enough seeds, and no test row ever does.
    const seen = new Set<number>();
    for (let seed = 0; seed < 40; seed++) {
      const v = await exploreTrainPortraits({ dataDir: build.dataDir, query: { gender: ANY, hairColor: ANY, hairType: ANY, seed } });
      v!.portraits.forEach((p) => seen.add(p.imageIndex));
    }
    expect(seen.size).toBe(build.manifest.counts.train);
    for (const index of seen) expect(test.has(index)).toBe(false);
  });

  it("serves a train portrait as a 2x WebP of its own pixels", async () => {
    const row = build.fixture.rows.find((r) => !testIndices.includes(r.Image_Index))!;
    const { image, buildId } = await getTrainPortraitImage({ dataDir: build.dataDir, imageIndex: String(row.Image_Index) });
    expect(buildId).toBe(build.buildId);
    const meta = await sharp(image).metadata();
    expect(meta).toMatchObject({ format: "webp", width: IMAGE_WIDTH * 2, height: IMAGE_HEIGHT * 2 });
    // Lossy WebP: compare the downscaled picture with the original pixels on average.
    const decoded = await sharp(image).resize(IMAGE_WIDTH, IMAGE_HEIGHT, { kernel: "nearest" }).removeAlpha().raw().toBuffer();
    const original = build.fixture.pixelsOf(row.Image_Index);
    let diff = 0;
    for (let i = 0; i < original.length; i++) diff += Math.abs(decoded[i] - original[i]);
    expect(diff / original.length).toBeLessThan(8);
  });

  it("404s test images, unused numbers and anything that is not a number", async () => {
    const notFound = async (imageIndex: string) => {
      try {
        await getTrainPortraitImage({ dataDir: build.dataDir, imageIndex });
        return false;
      } catch (error) {
        return isAppError(error) && error.code === "not-found";
      }
    };
    for (const index of testIndices.slice(0, 10)) expect(await notFound(String(index)), `test image ${index}`).toBe(true);
    const used = new Set(build.fixture.rows.map((r) => r.Image_Index));
    const unused = [...Array(500).keys()].find((i) => !used.has(i))!;
    for (const value of [String(unused), "9999999", "-1", "1.5", "abc", "../test", "", "0x10", "12345678"]) {
      expect(await notFound(value), value).toBe(true);
    }
  });
});
