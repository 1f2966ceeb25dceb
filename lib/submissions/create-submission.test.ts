import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { isAppError } from "../errors/app-error";
import { BARE_ONNX_NEEDS_MANIFEST } from "../models/inspect-model-bundle";
import { makeManifest, writeOnnxBundle, zipFolder } from "../../test-support/models/model-fixtures";
import { createLocalDiskBlobStore, uploadsDir } from "../storage/local-disk-blob-store";
import {
  clearSubmissions,
  createTestUser,
  storedUploadFiles,
  ensureOpenTestPhase,
  predictionsCsv,
  registerFixtureDataset,
  uploadFixtureCsv,
} from "../../test-support/scoring/scoring-fixture";
import { setUpScoringFixture } from "../../test-support/scoring/set-up-scoring-fixture";
import { describeEachEngine } from "../../test-support/test-db";
import type { CreateSubmissionOptions } from "./create-submission";
import { getSubmissionQuota } from "./get-submission-quota";
import { manifestKeyFor } from "./submission-blob-keys";
import { appError } from "../../test-support/app-error-of";

const fixture = setUpScoringFixture({ count: 150 });
let onnxZip: Buffer;
let onnxFile: Buffer;
let onnxManifest: string;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tp-create-submission-"));

beforeAll(async () => {
  const dir = path.join(tmp, "onnx");
  const manifest = writeOnnxBundle(dir, { manifest: makeManifest("onnx"), heads: "sliced" });
  onnxZip = zipFolder(dir);
  onnxFile = fs.readFileSync(path.join(dir, "model.onnx"));
  onnxManifest = JSON.stringify(manifest);
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describeEachEngine("createSubmission", (t) => {
  const submit = (extra: Partial<CreateSubmissionOptions> & { userId: string }) => uploadFixtureCsv({ db: t.db, fixture, ...extra });

  beforeAll(async () => {
    await registerFixtureDataset({ db: t.db, fixture });
  });
  beforeEach(async () => {
    await clearSubmissions({ db: t.db });
    await ensureOpenTestPhase({ db: t.db });
    fs.rmSync(uploadsDir(fixture.dataDir), { recursive: true, force: true });
  });

  it("stores a valid CSV and queues one scoring job with it, in one go", async () => {
    const user = await createTestUser({ db: t.db });
    const csv = predictionsCsv({ fixture, mode: "truth" });
    const { submission, job, quota } = await submit({
      userId: user.id,
      description: "  first try  ",
      stream: Readable.from([Buffer.from(csv)]),
    });
    expect(submission).toMatchObject({
      status: "queued",
      kind: "csv",
      fileName: "preds.csv",
      description: "first try",
      fileSize: csv.length,
      countsAgainstQuota: true,
    });
    expect(submission.fileKey).toMatch(/^submissions\/\d{4}-\d{2}-\d{2}\/[0-9a-f]{32}\/upload$/);
    expect(job).toMatchObject({
      type: "score-submission",
      payload: { submissionId: submission.id },
      idempotencyKey: submission.id,
      submissionId: submission.id,
      status: "queued",
    });
    expect(quota).toMatchObject({ limit: 5, used: 1, remaining: 4 });
    const store = createLocalDiskBlobStore({ root: uploadsDir(fixture.dataDir) });
    expect(fs.readFileSync(store.localPath(submission.fileKey)!, "utf8")).toBe(csv);
  });

  it("refuses a bad CSV with every problem by line, and keeps nothing", async () => {
    const user = await createTestUser({ db: t.db });
    const lines = predictionsCsv({ fixture }).trimEnd().split("\n");
    lines[2] = lines[2].replace(/,[a-z]+$/, ",curly");
    lines[4] = "not-a-test-id,female,black,wavy";
    const err = await appError(submit({ userId: user.id, stream: Readable.from([Buffer.from(lines.join("\n"))]) }));
    expect(err.code).toBe("validation");
    expect(err.userMessage).toMatch(/not accepted: \d+ problems/);
    expect(err.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ line: 3, message: expect.stringContaining("curly") }),
        expect.objectContaining({ line: 5, message: expect.stringContaining("not-a-test-id") }),
      ]),
    );
    expect(await t.db.submission.count()).toBe(0);
    expect(await t.db.job.count()).toBe(0);
    expect(storedUploadFiles(fixture.dataDir)).toEqual([]);
  });

  it("refuses empty, oversized and mislabelled uploads", async () => {
    const user = await createTestUser({ db: t.db });
    expect((await appError(submit({ userId: user.id, stream: Readable.from([]) }))).code).toBe("validation");
    // 21 MB of a valid-looking header and rows: cut off at the 20 MB limit while streaming.
    const big = Readable.from(
      (function* () {
        yield Buffer.from("Image_Id,Gender,Hair_Color,Hair_Type\n");
        for (let i = 0; i < 21 * 16; i++) yield Buffer.alloc(64 * 1024, "a");
      })(),
    );
    expect((await appError(submit({ userId: user.id, stream: big }))).code).toBe("too-large");
    const withManifest = await appError(submit({ userId: user.id, manifestJson: "{}" }));
    expect(withManifest).toMatchObject({ code: "validation", details: [{ field: "manifestJson", message: expect.any(String) }] });
    const noName = await appError(submit({ userId: user.id, fileName: "  " }));
    expect(noName.details).toEqual([{ field: "fileName", message: "a file name is required" }]);
    expect(storedUploadFiles(fixture.dataDir)).toEqual([]);
  });

  it("accepts a model zip and a bare .onnx with its manifest; refuses a bare .onnx without one", async () => {
    const user = await createTestUser({ db: t.db, role: "organizer" });
    const zip = await submit({ userId: user.id, kind: "model", fileName: "model.zip", stream: Readable.from([onnxZip]) });
    expect(zip.submission).toMatchObject({ kind: "model", modelFormat: "onnx", status: "queued" });

    const bare = await submit({
      userId: user.id,
      kind: "model",
      fileName: "model.onnx",
      stream: Readable.from([onnxFile]),
      manifestJson: onnxManifest,
    });
    const store = createLocalDiskBlobStore({ root: uploadsDir(fixture.dataDir) });
    expect(fs.readFileSync(store.localPath(manifestKeyFor(bare.submission.fileKey))!, "utf8")).toBe(onnxManifest);

    const err = await appError(submit({ userId: user.id, kind: "model", fileName: "model.onnx", stream: Readable.from([onnxFile]) }));
    expect(err).toMatchObject({ code: "validation", details: [{ message: BARE_ONNX_NEEDS_MANIFEST }] });
    const junk = await appError(
      submit({
        userId: user.id,
        kind: "model",
        fileName: "model.zip",
        stream: Readable.from([Buffer.from("PK\u0003\u0004 not really a zip")]),
      }),
    );
    expect(junk.code).toBe("validation");
    expect(await t.db.submission.count()).toBe(2);
  });

  it("enforces the daily quota per UTC day; system failures and yesterday do not count", async () => {
    const user = await createTestUser({ db: t.db });
    const now = new Date("2026-03-04T23:30:00Z");
    const yesterday = new Date("2026-03-03T23:59:00Z");
    await submit({ userId: user.id, now: yesterday });
    const made = [];
    for (let i = 0; i < 5; i++) made.push((await submit({ userId: user.id, now })).submission);
    const err = await appError(submit({ userId: user.id, now }));
    expect(err.code).toBe("quota-exceeded");
    expect(err.userMessage).toContain("all 5 submissions");
    expect(err.retryAfterSeconds).toBe(30 * 60);

    // The scorer refunds a submission that failed through our fault.
    await t.db.submission.update({
      where: { id: made[0].id },
      data: { status: "failed", failureKind: "system", countsAgainstQuota: false },
    });
    expect(await getSubmissionQuota({ db: t.db, userId: user.id, now })).toMatchObject({ used: 4, remaining: 1 });
    await submit({ userId: user.id, now });
    expect((await appError(submit({ userId: user.id, now }))).code).toBe("quota-exceeded");
    // A new UTC day.
    await submit({ userId: user.id, now: new Date("2026-03-05T00:00:01Z") });
  });

  it("uses the running phase's limit and exempts organizers", async () => {
    const now = new Date();
    await t.db.phase.create({
      data: { name: "p", startsAt: new Date(now.getTime() - 1000), endsAt: new Date(now.getTime() + 3_600_000), dailyLimit: 1 },
    });
    const user = await createTestUser({ db: t.db });
    await submit({ userId: user.id });
    expect((await appError(submit({ userId: user.id }))).code).toBe("quota-exceeded");
    const organizer = await createTestUser({ db: t.db, role: "organizer" });
    for (let i = 0; i < 3; i++) expect((await submit({ userId: organizer.id })).submission.countsAgainstQuota).toBe(false);
  });

  it("gives the last slot to exactly one of several simultaneous uploads", async () => {
    const user = await createTestUser({ db: t.db });
    for (let i = 0; i < 4; i++) await submit({ userId: user.id });
    const results = await Promise.allSettled(Array.from({ length: 4 }, () => submit({ userId: user.id })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect(isAppError(r.reason) && r.reason.code).toBe("quota-exceeded");
    expect(await t.db.submission.count({ where: { userId: user.id } })).toBe(5);
    expect(await t.db.job.count()).toBe(5);
  });

  it("is unavailable while no prepared dataset is on disk, and unauthorized for unknown users", async () => {
    const user = await createTestUser({ db: t.db });
    expect((await appError(submit({ userId: user.id, dataDir: path.join(tmp, "empty-data-dir") }))).code).toBe("unavailable");
    expect((await appError(submit({ userId: "nobody" }))).code).toBe("unauthorized");
  });
});
