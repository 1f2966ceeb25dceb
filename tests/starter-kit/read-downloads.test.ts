import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { locateDownloads } from "@/starter-kit/src/locate-downloads";
import { readTestSet } from "@/starter-kit/src/read-test-set";
import { readTrainSet } from "@/starter-kit/src/read-train-set";
import { ATTRIBUTES, CLASSES, NA } from "../../lib/challenge/definition";
import { buildPaths } from "../../lib/dataset/layout";
import { loadTensorCache } from "../../lib/dataset/load-tensor-cache";
import { readTrainLabels } from "../../lib/dataset/read-train-labels";
import { readZip } from "../../test-support/dataset/read-zip";
import { setUpScoringFixture } from "../../test-support/scoring/set-up-scoring-fixture";

// The kit's readers (imported from starter-kit/src, which in this repository runs on lib/)
// read the downloads as zips and as extracted folders, and get exactly the pixels and labels
// the platform's own caches hold.

const fixture = setUpScoringFixture({ count: 120, seed: 13 });
let extracted: string;

beforeAll(async () => {
  const paths = buildPaths(fixture.buildDir);
  extracted = fs.mkdtempSync(path.join(os.tmpdir(), "tp-kit-extracted-"));
  for (const zip of [paths.trainZip, paths.testZip]) {
    for (const [name, data] of await readZip(zip)) {
      fs.mkdirSync(path.dirname(path.join(extracted, name)), { recursive: true });
      fs.writeFileSync(path.join(extracted, name), data);
    }
  }
  fs.copyFileSync(paths.sampleSubmission, path.join(extracted, path.basename(paths.sampleSubmission)));
});
afterAll(() => {
  if (extracted) fs.rmSync(extracted, { recursive: true, force: true });
});

it("reads the same train and test sets from the zips and from their extracted contents", async () => {
  const zipped = locateDownloads({ dir: buildPaths(fixture.buildDir).publicDir });
  const folder = locateDownloads({ dir: extracted });
  expect(zipped.train.kind).toBe("zip");
  expect(folder.train.kind).toBe("folder");
  expect(folder.checksums).toBeUndefined();

  const cacheDir = buildPaths(fixture.buildDir).cacheDir;
  const cache = await loadTensorCache(cacheDir, "train");
  const labels = await readTrainLabels(cacheDir);
  for (const downloads of [zipped, folder]) {
    const train = await readTrainSet({ source: downloads.train });
    expect(train.imageIndices).toEqual(labels.map((r) => r.Image_Index));
    expect(train.images).toHaveLength(labels.length);
    train.images.forEach((img, i) =>
      expect(Buffer.from(img).equals(Buffer.from(cache.pixels.subarray(i * img.length, (i + 1) * img.length)))).toBe(true),
    );
    for (const a of ATTRIBUTES) {
      expect(Array.from(train.labels[a])).toEqual(labels.map((r) => (r[a] === NA ? -1 : (CLASSES[a] as readonly string[]).indexOf(r[a]))));
    }
    const test = await readTestSet({ source: downloads.test, sampleSubmission: downloads.sampleSubmission });
    expect(test.ids).toEqual(fixture.testIds);
    expect(test.images).toHaveLength(fixture.testIds.length);
  }
});

it("reads a seeded random subset with --max-train-images", async () => {
  const source = locateDownloads({ dir: extracted }).train;
  const a = await readTrainSet({ source, maxImages: 10, seed: 4 });
  const b = await readTrainSet({ source, maxImages: 10, seed: 4 });
  expect(a.imageIndices).toHaveLength(10);
  expect(a.imageIndices).toEqual(b.imageIndices);
  expect([...a.imageIndices].sort((x, y) => x - y)).toEqual(a.imageIndices);
});
