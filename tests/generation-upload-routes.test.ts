/*
 * The generation track through the real upload route (POST /api/submissions?track=generation):
 * generators (zip, or bare .onnx with the manifest header) and images zips are checked before
 * anything is queued, then queued for "score-generation" in the running generation phase, with
 * that phase's quota; the attributes track's uploads are unchanged beside it. The session is
 * mocked; database, blob store and the container checks are real.
 */
import { beforeAll, beforeEach, expect, it, vi } from "vitest";
import { IMAGE_BYTES, IMAGE_HEIGHT, IMAGE_WIDTH } from "../lib/challenge/definition";
import { encodeRgbPng } from "../lib/dataset/encode-rgb-png";
import { buildLinearGenerator } from "../lib/generation/build-linear-generator";
import { createZipWriter } from "../lib/zip/create-zip-writer";
import { uploadsDir } from "../lib/storage/local-disk-blob-store";
import { createTestUser, predictionsCsv, registerFixtureDataset, storedUploadFiles } from "../test-support/scoring/scoring-fixture";
import { setUpScoringFixture } from "../test-support/scoring/set-up-scoring-fixture";
import { session } from "../test-support/auth/fake-current-user";
import { setUpRouteTest, useRouteDb } from "../test-support/routes/route-test";
import { describeEachEngine } from "../test-support/test-db";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

vi.mock("@/lib/auth/get-current-user", () => import("../test-support/auth/fake-current-user"));
vi.mock("@/lib/db/client", async (real) => (await import("../test-support/routes/route-db")).withRouteDb(await real<object>()));

const uploadRoute = await import("@/app/api/submissions/route");
const finalRoute = await import("@/app/api/submissions/final/route");

const fixture = setUpScoringFixture({ count: 120 });
const { setTestEnv } = setUpRouteTest();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tp-gen-upload-"));
const SAMPLES = 1000; // the smallest N a phase may set (MIN_GENERATION_SAMPLES)
let generatorZip: Buffer;
let generatorOnnx: Buffer;
let generatorManifest: string;
let imagesZip: Buffer;

async function zipOf(entries: [string, Buffer][]): Promise<Buffer> {
  const file = path.join(tmp, `z-${Math.random().toString(36).slice(2)}.zip`);
  const zip = await createZipWriter(file);
  for (const [name, bytes] of entries) await zip.add(name, bytes);
  await zip.finish();
  return fs.readFileSync(file);
}

beforeAll(async () => {
  setTestEnv({ DATA_DIR: fixture.dataDir, BLOB_STORE: "disk" });
  const g = buildLinearGenerator({ mean: new Float32Array(IMAGE_BYTES).fill(128), basis: new Float32Array(64 * IMAGE_BYTES) });
  generatorOnnx = Buffer.from(g.onnx);
  generatorManifest = JSON.stringify({ ...g.manifest, model: "model.onnx" });
  generatorZip = await zipOf([
    ["manifest.json", Buffer.from(generatorManifest)],
    ["model.onnx", generatorOnnx],
  ]);
  const png = encodeRgbPng(new Uint8Array(IMAGE_BYTES).fill(90), IMAGE_WIDTH, IMAGE_HEIGHT);
  imagesZip = await zipOf(Array.from({ length: SAMPLES }, (_, i) => [`${String(i).padStart(5, "0")}.png`, png] as [string, Buffer]));
});

function upload(query: string, data: Buffer | string, headers: Record<string, string> = {}) {
  const body = typeof data === "string" ? data : new Uint8Array(data);
  return uploadRoute.POST(
    new Request(`http://localhost/api/submissions?${query}`, { method: "POST", body, headers, duplex: "half" } as RequestInit),
  );
}

describeEachEngine("generation uploads (route)", (t) => {
  let userId = "";
  useRouteDb(t);
  beforeAll(() => registerFixtureDataset({ db: t.db, fixture }));
  beforeEach(async () => {
    await t.db.job.deleteMany();
    await t.db.submission.deleteMany();
    await t.db.phase.deleteMany();
    fs.rmSync(uploadsDir(fixture.dataDir), { recursive: true, force: true });
    const now = Date.now();
    const open = { startsAt: new Date(now - 3600_000), endsAt: new Date(now + 86400_000), dailyLimit: 3 };
    await t.db.phase.create({ data: { id: "attr", name: "Attributes", ...open } });
    await t.db.phase.create({
      data: {
        id: "gen",
        name: "Generation",
        track: "generation",
        acceptedKinds: "generator,images",
        settings: { sampleCount: SAMPLES },
        ...open,
      },
    });
    const user = await createTestUser({ db: t.db });
    userId = user.id;
    session.user = { id: user.id, email: user.email, name: user.name, role: "participant" };
  });

  it("queues a generator zip for score-generation in the generation phase", async () => {
    const res = await upload("track=generation&kind=generator&fileName=gen.zip", generatorZip);
    expect(res.status).toBe(201);
    const { submission, quota } = await res.json();
    const row = await t.db.submission.findUniqueOrThrow({ where: { id: submission.id } });
    expect(row).toMatchObject({ track: "generation", kind: "generator", phaseId: "gen", modelFormat: "onnx", status: "queued" });
    expect(await t.db.job.findMany({ select: { type: true, submissionId: true } })).toEqual([
      { type: "score-generation", submissionId: submission.id },
    ]);
    expect(quota).toMatchObject({ limit: 3, used: 1, phase: { id: "gen" } });
  });

  it("takes a bare .onnx generator with its manifest in the header (kind from the extension)", async () => {
    const res = await upload("track=generation&fileName=gen.onnx", generatorOnnx, {
      "x-submission-manifest": Buffer.from(generatorManifest).toString("base64"),
    });
    expect(res.status).toBe(201);
    const { submission } = await res.json();
    expect(await t.db.submission.findUniqueOrThrow({ where: { id: submission.id } })).toMatchObject({ kind: "generator" });
  });

  it("queues an images zip of exactly N PNGs; refuses the wrong count, other files and wrong sizes with the reason", async () => {
    const ok = await upload("track=generation&kind=images&fileName=imgs.zip", imagesZip);
    expect(ok.status).toBe(201);
    const { submission } = await ok.json();
    expect(await t.db.submission.findUniqueOrThrow({ where: { id: submission.id } })).toMatchObject({ kind: "images", modelFormat: null });

    const png = encodeRgbPng(new Uint8Array(IMAGE_BYTES), IMAGE_WIDTH, IMAGE_HEIGHT);
    const cases: [Buffer, RegExp][] = [
      [await zipOf([["a.png", png]]), /exactly 1000 PNGs are needed; found 1/],
      [await zipOf([["notes.txt", Buffer.from("x")]]), /only \.png files are accepted; found "notes\.txt"/],
      [
        await zipOf(
          Array.from({ length: SAMPLES }, (_, i) => [`${i}.png`, encodeRgbPng(new Uint8Array(10 * 10 * 3), 10, 10)] as [string, Buffer]),
        ),
        /every image must be 84x108/,
      ],
      [Buffer.from("not a zip at all"), /zip/i],
    ];
    for (const [body, message] of cases) {
      const res = await upload("track=generation&kind=images&fileName=imgs.zip", body);
      expect(res.status).toBe(400);
      const { error } = await res.json();
      expect(error.code).toBe("validation");
      expect(error.details.map((d: { message: string }) => d.message).join("\n")).toMatch(message);
    }
    expect(await t.db.submission.count()).toBe(1);
    expect(await t.db.job.count()).toBe(1);
  });

  it("refuses a broken generator with the manifest's problem, and a zip without a kind", async () => {
    const bad = await zipOf([
      ["manifest.json", Buffer.from(JSON.stringify({ ...JSON.parse(generatorManifest), latent: { input: "latent", size: 3 } }))],
      ["model.onnx", generatorOnnx],
    ]);
    const res = await upload("track=generation&kind=generator&fileName=gen.zip", bad);
    expect(res.status).toBe(400);
    expect(JSON.stringify((await res.json()).error.details)).toMatch(/latent\.size/);

    const noKind = await upload("track=generation&fileName=gen.zip", generatorZip);
    expect(noKind.status).toBe(400);
    expect((await noKind.json()).error).toMatchObject({ details: [{ field: "kind" }], message: expect.stringContaining("kind=images") });
    expect(await t.db.submission.count()).toBe(0);
    expect(storedUploadFiles(fixture.dataDir)).toEqual([]);
  });

  it("refuses a kind of the other track, a wrong extension, and a kind the phase does not take (400)", async () => {
    const csv = await upload("track=generation&kind=csv&fileName=p.csv", predictionsCsv({ fixture }));
    expect(csv.status).toBe(400);
    expect((await csv.json()).error.details).toEqual([{ field: "kind", message: "expected generator or images for the generation track" }]);

    const model = await upload("kind=generator&fileName=gen.zip", generatorZip);
    expect(model.status).toBe(400);
    expect((await model.json()).error.message).toMatch(/attributes track takes "csv" or "model"/);

    const ext = await upload("track=generation&kind=images&fileName=imgs.onnx", imagesZip);
    expect(ext.status).toBe(400);
    expect((await ext.json()).error.details[0].field).toBe("fileName");

    await t.db.phase.update({ where: { id: "gen" }, data: { acceptedKinds: "generator" } });
    const images = await upload("track=generation&kind=images&fileName=imgs.zip", imagesZip);
    expect(images.status).toBe(400);
    expect((await images.json()).error).toMatchObject({ message: expect.stringContaining("accepts only generator models") });
    expect(await t.db.submission.count()).toBe(0);
  });

  it("answers 409 when no generation phase runs, and keeps the attributes track's uploads unchanged", async () => {
    await t.db.phase.delete({ where: { id: "gen" } });
    const res = await upload("track=generation&kind=generator&fileName=gen.zip", generatorZip);
    expect(res.status).toBe(409);
    expect((await res.json()).error.message).toMatch(/No phase is open/);

    const csv = await upload("fileName=p.csv", predictionsCsv({ fixture }));
    expect(csv.status).toBe(201);
    const { submission } = await csv.json();
    expect(await t.db.submission.findUniqueOrThrow({ where: { id: submission.id } })).toMatchObject({
      track: "attributes",
      phaseId: "attr",
      kind: "csv",
    });
    expect((await t.db.job.findFirstOrThrow()).type).toBe("score-submission");
  });

  it("counts the generation phase's own quota (429 at its limit, the attributes quota untouched)", async () => {
    await t.db.phase.update({ where: { id: "gen" }, data: { dailyLimit: 1 } });
    expect((await upload("track=generation&kind=generator&fileName=gen.zip", generatorZip)).status).toBe(201);
    const over = await upload("track=generation&kind=generator&fileName=gen.zip", generatorZip);
    expect(over.status).toBe(429);
    const csv = await upload("fileName=p.csv", predictionsCsv({ fixture }));
    expect(csv.status).toBe(201);
    expect((await csv.json()).quota).toMatchObject({ limit: 3, used: 1, phase: { id: "attr" } });
  });

  it("selects final picks per track: a generation entry is picked for the generation phase only", async () => {
    const res = await upload("track=generation&kind=generator&fileName=gen.zip", generatorZip);
    const { submission } = await res.json();
    await t.db.submission.update({ where: { id: submission.id }, data: { status: "scored" } });
    const put = (body: unknown) =>
      finalRoute.PUT(
        new Request("http://localhost/api/submissions/final", {
          method: "PUT",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
      );
    const wrongTrack = await put({ submissionIds: [submission.id] });
    expect(wrongTrack.status).toBe(400);
    expect(JSON.stringify((await wrongTrack.json()).error.details)).toMatch(/was not made in Attributes/);
    const ok = await put({ submissionIds: [submission.id], track: "generation" });
    expect(ok.status).toBe(200);
    expect(await t.db.submission.findUniqueOrThrow({ where: { id: submission.id }, select: { isFinal: true, userId: true } })).toEqual({
      isFinal: true,
      userId,
    });
  });
});
