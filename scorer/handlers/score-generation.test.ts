import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ATTRIBUTES, CLASSES, IMAGE_BYTES, IMAGE_HEIGHT, IMAGE_WIDTH } from "@/lib/challenge/definition";
import { buildPaths } from "@/lib/dataset/layout";
import { registerDataset } from "@/lib/dataset-records/register-dataset";
import type { Db, Job } from "@/lib/db/client";
import { buildLinearGenerator } from "@/lib/generation/build-linear-generator";
import { buffer } from "node:stream/consumers";
import { decodeRgbPng } from "@/lib/dataset/decode-rgb-png";
import { drawGeneratorInputs } from "@/lib/generation/draw-generator-inputs";
import { drawNormals } from "@/lib/generation/draw-normals";
import { gridKeyFor, samplesKeyFor } from "@/lib/generation/gallery-keys";
import type { GeneratorManifest } from "@/lib/generation/generator-manifest";
import { registerFeatureNetwork } from "@/lib/generation/register-feature-network";
import { trainFeatureNetwork } from "@/lib/generation/train-feature-network";
import type { JobContext, JobPayload } from "@/lib/queue/job-types";
import type { BlobStore } from "@/lib/storage/blob-store";
import { getBlobStore } from "@/lib/storage/get-blob-store";
import { createZipWriter } from "@/lib/zip/create-zip-writer";
import { writeGeneratorZip } from "@/lib/generation/write-generator-zip";
import { createTestDatabase, type TestDatabase } from "@/test-support/create-test-database";
import { BLUE_LEVELS, colourGenerator, GREEN_LEVELS, RED_LEVELS } from "@/test-support/generation/colour-networks";
import { setUpScoringFixture } from "@/test-support/scoring/set-up-scoring-fixture";
import { scoreGenerationHandler } from "./score-generation";

// The score-generation job on a 150-portrait dataset (SQLite): a generator submission of a
// generation phase is run in the sandbox with the phase's pinned feature network, seed and N,
// and its Score row holds the main score of each part; an images zip of the wrong size fails
// as the participant's fault. A conditional generator (flat colours per requested class) also
// gets grid.png: its samples per requested attribute class, wherever they fall in the run.

const fixture = setUpScoringFixture({ count: 150, seed: 31 });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tp-score-gen-job-"));
let database: TestDatabase;
let db: Db;
let store: BlobStore;
let phaseId = "";
let userId = "";
let datasetId = "";

beforeAll(async () => {
  database = await createTestDatabase({ engine: "sqlite" });
  db = database.db;
  store = getBlobStore({ db, dataDir: fixture.dataDir, kind: "disk" });
  datasetId = (await registerDataset({ db, manifest: fixture.manifest })).id;
  userId = (await db.user.create({ data: { email: "gen@example.org", name: "Gen" } })).id;
  const trained = await trainFeatureNetwork({ cacheDir: buildPaths(fixture.buildDir).cacheDir, outDir: tmp, epochs: 1 });
  const network = await registerFeatureNetwork({ db, store, file: trained.file, datasetId });
  const now = Date.now();
  phaseId = (
    await db.phase.create({
      data: {
        name: "Generation",
        startsAt: new Date(now - 3600_000),
        endsAt: new Date(now + 3600_000),
        dailyLimit: 5,
        track: "generation",
        acceptedKinds: "generator,images",
        settings: { featureNetworkSha256: network.sha256, sampleCount: 1000, seed: 2 },
      },
    })
  ).id;
});
afterAll(async () => {
  await database?.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function submit(kind: "generator" | "images", file: string) {
  const bytes = fs.readFileSync(file);
  const key = `submissions/test/${path.basename(file)}`;
  await store.putBlob({ key, buffer: bytes, maxBytes: 1e9 });
  return db.submission.create({
    data: {
      userId,
      datasetId,
      kind,
      fileKey: key,
      fileName: path.basename(file),
      fileSize: bytes.length,
      sha256: "x",
      phaseId,
      track: "generation",
    },
  });
}

function context(submissionId: string): JobContext<JobPayload<"score-generation">> {
  return {
    db,
    job: {} as Job,
    payload: { submissionId },
    workerId: "test",
    dataDir: fixture.dataDir,
    store,
    signal: new AbortController().signal,
    log: () => undefined,
  };
}

/** Submits the generator as NAME.zip, runs the job, which must succeed, and commits its result. */
async function scoreGenerator(name: string, generator: { onnx: Uint8Array; manifest: GeneratorManifest }) {
  const file = path.join(tmp, `${name}.zip`);
  await writeGeneratorZip({ file, ...generator });
  const submission = await submit("generator", file);
  const result = await scoreGenerationHandler.run(context(submission.id));
  expect(result).toMatchObject({ ok: true });
  if (result.ok) await db.$transaction(async (tx) => result.commit!(tx));
  return submission;
}

describe("score-generation job", () => {
  it("scores a generator with the phase's settings and records both parts", async () => {
    const basis = drawNormals({ seed: 8, count: 64 * IMAGE_BYTES }).map((v) => v * 3);
    const submission = await scoreGenerator("generator", buildLinearGenerator({ mean: new Float32Array(IMAGE_BYTES).fill(120), basis }));
    const score = await db.score.findUniqueOrThrow({ where: { submissionId: submission.id } });
    const pub = score.public as Record<string, number>;
    expect(score.publicMain).toBe(pub.main);
    expect(score.privateMain).toBe((score.private as Record<string, number>).main);
    expect(pub).toMatchObject({ samples: 1000, seed: 2, higherIsBetter: false, memorised: expect.any(Boolean) });
    expect((score.public as { nearestTrain: unknown[] }).nearestTrain).toHaveLength(64);
    const row = await db.submission.findUniqueOrThrow({ where: { id: submission.id } });
    expect(row).toMatchObject({ status: "scored", modelFormat: "onnx" });
    expect(row.log).toMatch(/\[scorer\] 1000 images in/);
    // The gallery: the first 64 samples as one 8 x 8 sheet beside the upload, cell 0 = image 0.
    const sheet = decodeRgbPng(await buffer(await store.openBlob(samplesKeyFor(submission.fileKey))));
    expect([sheet.width, sheet.height]).toEqual([8 * 84, 8 * 108]);
    expect(pub).toMatchObject({ gallery: { count: 64, columns: 8, bytes: expect.any(Number) } });
    const inputs = drawGeneratorInputs({ seed: 2, start: 0, count: 1 });
    const first = Array.from({ length: 84 }, (_, x) => {
      let v = 120;
      for (let k = 0; k < 64; k++) v += inputs.latents[k] * basis[k * IMAGE_BYTES + x * 3];
      return Math.min(255, Math.max(0, Math.round(v)));
    });
    const diffs = first.map((v, x) => Math.abs(v - sheet.pixels[x * 3]));
    expect(Math.max(...diffs)).toBeLessThanOrEqual(1); // float32 sums round either way at .5
    // Unconditional: no grid recorded, no grid.png stored.
    expect(pub).toMatchObject({ attributeGrid: null, attributeGridSheet: null });
    await expect(store.openBlob(gridKeyFor(submission.fileKey))).rejects.toMatchObject({ code: "not-found" });
  });

  it("keeps a conditional generator's samples per requested class as grid.png, rare classes past the 64 included", async () => {
    const submission = await scoreGenerator("conditional", colourGenerator("follows"));
    const pub = (await db.score.findUniqueOrThrow({ where: { submissionId: submission.id } })).public as {
      attributeGrid: Record<string, Record<string, number[]>>;
      attributeGridSheet: { columns: number; rows: { attribute: string; value: string; indices: number[] }[]; bytes: number };
    };
    const sheetInfo = pub.attributeGridSheet;
    // One row per class of every attribute, in attribute then class order, holding the grid's indices.
    expect(sheetInfo.columns).toBe(4);
    expect(sheetInfo.rows.map((r) => [r.attribute, r.value])).toEqual(ATTRIBUTES.flatMap((a) => CLASSES[a].map((c) => [a, c])));
    for (const row of sheetInfo.rows) expect(row.indices).toEqual(pub.attributeGrid[row.attribute][row.value]);
    const sheet = decodeRgbPng(await buffer(await store.openBlob(gridKeyFor(submission.fileKey))));
    expect([sheet.width, sheet.height]).toEqual([4 * IMAGE_WIDTH, sheetInfo.rows.length * IMAGE_HEIGHT]);
    expect(sheetInfo.bytes).toBeGreaterThan(0);
    // Each cell is the sample requested with its row's class: the generator paints that class's
    // level in the attribute's channel (red: gender, green: hair colour, blue: hair type).
    const levels = [RED_LEVELS, GREEN_LEVELS, BLUE_LEVELS];
    let checked = 0;
    let beyondGallery = 0;
    sheetInfo.rows.forEach((row, r) => {
      const a = ATTRIBUTES.indexOf(row.attribute as (typeof ATTRIBUTES)[number]);
      const level = levels[a][(CLASSES[ATTRIBUTES[a]] as readonly string[]).indexOf(row.value)] * 255;
      row.indices.forEach((index, c) => {
        const at = ((r * IMAGE_HEIGHT + 50) * 4 * IMAGE_WIDTH + c * IMAGE_WIDTH + 40) * 3;
        expect(Math.abs(sheet.pixels[at + a] - level)).toBeLessThan(10);
        checked++;
        if (index >= 64) beyondGallery++;
      });
      for (let c = row.indices.length; c < 4; c++)
        expect(sheet.pixels[((r * IMAGE_HEIGHT + 50) * 4 * IMAGE_WIDTH + c * IMAGE_WIDTH + 40) * 3]).toBe(0);
    });
    expect(checked).toBeGreaterThan(20);
    // With N = 1,000 some rare class (bald, gray) first appears after the 64 gallery samples.
    expect(beyondGallery).toBeGreaterThan(0);
  });

  it("fails an images zip without exactly N PNGs as the participant's fault", async () => {
    const file = path.join(tmp, "images.zip");
    const zip = await createZipWriter(file);
    await zip.add("a.png", Buffer.from("not a png"));
    await zip.finish();
    const submission = await submit("images", file);
    const result = await scoreGenerationHandler.run(context(submission.id));
    expect(result).toEqual({ ok: false, kind: "user", message: "The images were refused: exactly 1000 PNGs are needed; found 1", log: "" });
  });
});
