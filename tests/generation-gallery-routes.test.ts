/*
 * GET /api/submissions/[id]/gallery/(samples|nearest|grid).png through the real route: the owner and
 * organizers see a scored generation entry's samples; anyone else gets 404 like a missing
 * submission; the nearest TRAIN portraits need the current terms (403 without), are cut from
 * the train cache rows the scorer recorded, and nothing else is served (no test image, no
 * other file name). grid.png (a conditional generator's samples per requested attribute class)
 * only exists when the score records the grid sheet.
 */
import fs from "node:fs";
import { beforeAll, beforeEach, expect, it, vi } from "vitest";
import { IMAGE_BYTES } from "../lib/challenge/definition";
import { buildPaths, tensorCachePaths } from "../lib/dataset/layout";
import { decodeRgbPng } from "../lib/dataset/decode-rgb-png";
import { composeImageSheet } from "../lib/generation/compose-image-sheet";
import { gridKeyFor, samplesKeyFor } from "../lib/generation/gallery-keys";
import { getBlobStore } from "../lib/storage/get-blob-store";
import { createTestUser, registerFixtureDataset } from "../test-support/scoring/scoring-fixture";
import { setUpScoringFixture } from "../test-support/scoring/set-up-scoring-fixture";
import { session } from "../test-support/auth/fake-current-user";
import { routeParams, setUpRouteTest, useRouteDb } from "../test-support/routes/route-test";
import { describeEachEngine } from "../test-support/test-db";

vi.mock("@/lib/auth/get-current-user", () => import("../test-support/auth/fake-current-user"));
vi.mock("@/lib/db/client", async (real) => (await import("../test-support/routes/route-db")).withRouteDb(await real<object>()));

const galleryRoute = await import("@/app/api/submissions/[id]/gallery/[sheet]/route");

const fixture = setUpScoringFixture({ count: 120 });
const { setTestEnv } = setUpRouteTest();
beforeAll(() => setTestEnv({ DATA_DIR: fixture.dataDir, BLOB_STORE: "disk" }));

const get = (id: string, sheet: string) =>
  galleryRoute.GET(new Request(`http://localhost/api/submissions/${id}/gallery/${sheet}`), routeParams({ id, sheet }));
/** A sheet that must be served (200, a PNG kept privately for five minutes), decoded. */
async function getServedSheet(id: string, sheet: string) {
  const res = await get(id, sheet);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("image/png");
  expect(res.headers.get("cache-control")).toBe("private, max-age=300");
  return decodeRgbPng(Buffer.from(await res.arrayBuffer()));
}
const as = (u: { id: string; email: string; name: string }, role: "participant" | "organizer" = "participant") => {
  session.user = { id: u.id, email: u.email, name: u.name, role };
};

describeEachEngine("generation gallery route", (t) => {
  let owner: Awaited<ReturnType<typeof createTestUser>>;
  let submissionId = "";
  const nearestRows = Array.from({ length: 16 }, (_, i) => (i * 7) % 60);
  useRouteDb(t);
  beforeAll(() => registerFixtureDataset({ db: t.db, fixture }));
  beforeEach(async () => {
    await t.db.submission.deleteMany();
    owner = await createTestUser({ db: t.db });
    const dataset = await t.db.dataset.findFirstOrThrow({ where: { isCurrent: true } });
    const fileKey = `submissions/test/${Math.random().toString(36).slice(2)}/upload`;
    const store = getBlobStore({ db: t.db, dataDir: fixture.dataDir, kind: "disk" });
    const samples = new Uint8Array(16 * IMAGE_BYTES).map((_, i) => (i * 13) % 256);
    await store.putBlob({
      key: samplesKeyFor(fileKey),
      buffer: composeImageSheet({ pixels: samples, count: 16, columns: 8 }),
      maxBytes: 1e7,
    });
    const s = await t.db.submission.create({
      data: {
        userId: owner.id,
        datasetId: dataset.id,
        kind: "generator",
        track: "generation",
        status: "scored",
        fileKey,
        fileName: "gen.zip",
        fileSize: 1,
        sha256: "x",
        score: {
          create: {
            publicMain: 1,
            privateMain: 1,
            durationMs: 1,
            public: {
              main: 1,
              nearCopyThreshold: 0.5,
              gallery: { count: 16, columns: 8, bytes: 1 },
              nearestTrain: nearestRows.map((train) => ({ train, l2: 1, cosine: 0.01 })),
            },
            private: { main: 1 },
          },
        },
      },
    });
    submissionId = s.id;
  });

  it("serves the samples to the owner and an organizer, 404 to anyone else and for other names", async () => {
    as(owner);
    const sheet = await getServedSheet(submissionId, "samples.png");
    expect([sheet.width, sheet.height]).toEqual([8 * 84, 2 * 108]);

    const stranger = await createTestUser({ db: t.db });
    as(stranger);
    expect((await get(submissionId, "samples.png")).status).toBe(404);
    expect((await get(submissionId, "nearest.png")).status).toBe(404);

    const organizer = await createTestUser({ db: t.db, role: "organizer" });
    as(organizer, "organizer");
    expect((await get(submissionId, "samples.png")).status).toBe(200);
    expect((await get(submissionId, "nearest.png")).status).toBe(200);

    as(owner);
    for (const name of ["test.png", "../upload", "samples.PNG", "constructor"]) expect((await get(submissionId, name)).status).toBe(404);
    expect((await get("no-such-id", "samples.png")).status).toBe(404);
    session.user = null;
    expect((await get(submissionId, "samples.png")).status).toBe(401);
  });

  it("cuts the nearest portraits from the train cache rows the scorer recorded", async () => {
    as(owner);
    const sheet = await getServedSheet(submissionId, "nearest.png");
    const cache = fs.readFileSync(tensorCachePaths(buildPaths(fixture.buildDir).cacheDir, "train").pixels);
    // Cell 9 (row 1, column 1): the first pixel row of train row nearestRows[9].
    const row = nearestRows[9];
    const expected = cache.subarray(row * IMAGE_BYTES, row * IMAGE_BYTES + 84 * 3);
    const offset = (108 * 8 * 84 + 84) * 3;
    expect(Buffer.from(sheet.pixels.subarray(offset, offset + 84 * 3)).equals(expected)).toBe(true);
  });

  it("keeps the training portraits from a viewer without the current terms (403), and a row outside train fails closed", async () => {
    await t.db.termsAcceptance.deleteMany({ where: { userId: owner.id } });
    as(owner);
    const res = await get(submissionId, "nearest.png");
    expect(res.status).toBe(403);
    expect((await res.json()).error.message).toMatch(/accept the current terms/);
    expect((await get(submissionId, "samples.png")).status).toBe(200);

    await createTestUser({ db: t.db }); // unrelated
    await t.db.termsAcceptance.create({
      data: { userId: owner.id, termsVersion: (await t.db.termsAcceptance.findFirstOrThrow()).termsVersion },
    });
    await t.db.score.update({
      where: { submissionId },
      data: { public: { main: 1, gallery: { count: 1, columns: 8, bytes: 1 }, nearestTrain: [{ train: 10_000_000, l2: 1, cosine: 0 }] } },
    });
    expect((await get(submissionId, "nearest.png")).status).toBe(404);
  });

  it("answers 404 for an attributes submission and for a generation entry not scored yet", async () => {
    as(owner);
    await t.db.submission.update({ where: { id: submissionId }, data: { status: "running" } });
    expect((await get(submissionId, "samples.png")).status).toBe(404);
    await t.db.submission.update({ where: { id: submissionId }, data: { status: "scored", track: "attributes", kind: "csv" } });
    expect((await get(submissionId, "samples.png")).status).toBe(404);
  });

  it("serves a conditional generator's grid.png with the same access rules, and 404 when the score has no grid", async () => {
    as(owner);
    // The fixture's score has no attributeGridSheet (an unconditional generator): no grid.
    expect((await get(submissionId, "grid.png")).status).toBe(404);

    const row = await t.db.submission.findUniqueOrThrow({ where: { id: submissionId } });
    const store = getBlobStore({ db: t.db, dataDir: fixture.dataDir, kind: "disk" });
    const cells = new Uint8Array(3 * 4 * IMAGE_BYTES);
    cells.fill(200, 4 * IMAGE_BYTES, 5 * IMAGE_BYTES); // row 1, column 0
    await store.putBlob({
      key: gridKeyFor(row.fileKey),
      buffer: composeImageSheet({ pixels: cells, count: 12, columns: 4 }),
      maxBytes: 1e7,
    });
    const rows = [
      { attribute: "Gender", value: "female", indices: [0, 2] },
      { attribute: "Gender", value: "male", indices: [1] },
      { attribute: "Hair_Type", value: "bald", indices: [] },
    ];
    const score = await t.db.score.findUniqueOrThrow({ where: { submissionId } });
    await t.db.score.update({
      where: { submissionId },
      data: { public: { ...(score.public as object), attributeGridSheet: { columns: 4, rows, bytes: 1 } } },
    });
    const sheet = await getServedSheet(submissionId, "grid.png");
    expect([sheet.width, sheet.height]).toEqual([4 * 84, 3 * 108]);
    expect(sheet.pixels[108 * 4 * 84 * 3]).toBe(200); // first pixel of row 1
    expect(sheet.pixels[0]).toBe(0);

    // The grid is the participant's own images: no terms needed, but nobody else sees it.
    await t.db.termsAcceptance.deleteMany({ where: { userId: owner.id } });
    expect((await get(submissionId, "grid.png")).status).toBe(200);
    as(await createTestUser({ db: t.db }));
    expect((await get(submissionId, "grid.png")).status).toBe(404);
    as(await createTestUser({ db: t.db, role: "organizer" }), "organizer");
    expect((await get(submissionId, "grid.png")).status).toBe(200);
    as(owner);
    expect((await get(submissionId, "GRID.png")).status).toBe(404);

    // A malformed grid record (a row without indices) is not served.
    await t.db.score.update({
      where: { submissionId },
      data: { public: { ...(score.public as object), attributeGridSheet: { columns: 4, rows: [{ attribute: "Gender", value: "male" }] } } },
    });
    expect((await get(submissionId, "grid.png")).status).toBe(404);
  });
});
