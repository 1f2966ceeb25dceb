import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { text } from "node:stream/consumers";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachEngine } from "../../test-support/test-db";
import { createLeaderboardDataset, createParticipant } from "../../test-support/leaderboard/leaderboard-fixtures";
import { startLocalS3Server, type LocalS3Server } from "../../test-support/s3-server";
import { manifestKeyFor, newSubmissionFileKey } from "../submissions/submission-blob-keys";
import type { BlobStore } from "./blob-store";
import { createDatabaseBlobStore } from "./database-blob-store";
import { createLocalDiskBlobStore } from "./local-disk-blob-store";
import { moveUploads } from "./move-uploads";
import { createS3BlobStore, createS3Client } from "./s3-blob-store";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

describeEachEngine("move-uploads", (t) => {
  let tmp: string;
  let s3server: LocalS3Server;
  let disk: BlobStore;
  let s3: BlobStore;
  let database: BlobStore;
  const files: { key: string; bytes: Buffer; kind: "csv" | "model"; manifest?: Buffer }[] = [];

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tp-move-"));
    s3server = await startLocalS3Server();
    disk = createLocalDiskBlobStore({ root: path.join(tmp, "uploads") });
    s3 = createS3BlobStore({ client: createS3Client(s3server.settings), bucket: s3server.settings.bucket });
    database = createDatabaseBlobStore({ db: t.db });
    const dataset = await createLeaderboardDataset({ db: t.db });
    const user = await createParticipant({ db: t.db });
    for (let i = 0; i < 4; i++) {
      const kind = i === 3 ? "model" : "csv";
      const bytes = Buffer.from(`file ${i}\n`.repeat(1000 * (i + 1)));
      const key = newSubmissionFileKey();
      await disk.putBlob({ key, buffer: bytes, maxBytes: bytes.length });
      const manifest = kind === "model" ? Buffer.from(JSON.stringify({ format: "onnx", i })) : undefined;
      if (manifest) await disk.putBlob({ key: manifestKeyFor(key), buffer: manifest, maxBytes: 1024 });
      files.push({ key, bytes, kind, manifest });
      await t.db.submission.create({
        data: { userId: user.id, datasetId: dataset.id, kind, fileKey: key, fileName: `f${i}`, fileSize: bytes.length, sha256: sha(bytes) },
      });
    }
  });
  afterAll(async () => {
    await s3server?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function expectAllIn(store: BlobStore) {
    for (const f of files) {
      expect(await text(await store.openBlob(f.key))).toBe(f.bytes.toString());
      if (f.manifest) expect(await text(await store.openBlob(manifestKeyFor(f.key)))).toBe(f.manifest.toString());
    }
  }

  it("copies every upload and manifest from disk to s3, verified, and resumes an interrupted move", async () => {
    // An earlier run that stopped after the first file.
    await s3.putBlob({ key: files[0].key, buffer: files[0].bytes, maxBytes: files[0].bytes.length });
    const first = await moveUploads({ db: t.db, from: disk, to: s3 });
    expect(first).toMatchObject({ copied: 4, alreadyThere: 1, missing: [], deletedFromSource: 0 });
    await expectAllIn(s3);
    await expectAllIn(disk); // a copy unless asked to delete
    const again = await moveUploads({ db: t.db, from: disk, to: s3 });
    expect(again).toMatchObject({ copied: 0, alreadyThere: 5 });
  });

  it("moves from s3 into the database store and deletes the source only once verified", async () => {
    const moved = await moveUploads({ db: t.db, from: s3, to: database, deleteSource: true });
    expect(moved).toMatchObject({ copied: 5, deletedFromSource: 5, missing: [] });
    await expectAllIn(database);
    const gone = await s3.openBlob(files[1].key).catch((e: { code?: string }) => e.code);
    expect(gone).toBe("not-found");
    // Run again after the source is gone: everything is already there, nothing is missing.
    expect(await moveUploads({ db: t.db, from: s3, to: database })).toMatchObject({ copied: 0, alreadyThere: 5, missing: [] });
  });

  it("refuses a source whose bytes differ from the submission's record and copies nothing of it", async () => {
    const bad = Buffer.from("tampered");
    const key = newSubmissionFileKey();
    await disk.putBlob({ key, buffer: bad, maxBytes: 100 });
    const dataset = await t.db.dataset.findFirstOrThrow();
    const user = await t.db.user.findFirstOrThrow();
    const row = await t.db.submission.create({
      data: {
        userId: user.id,
        datasetId: dataset.id,
        kind: "csv",
        fileKey: key,
        fileName: "x",
        fileSize: 8,
        sha256: sha(Buffer.from("original")),
      },
    });
    await expect(moveUploads({ db: t.db, from: disk, to: s3 })).rejects.toThrow(/do not match the submission's record/);
    expect(await s3.openBlob(key).catch((e: { code?: string }) => e.code)).toBe("not-found");
    await t.db.submission.delete({ where: { id: row.id } });
  });

  it("reports a file that is in neither store", async () => {
    const dataset = await t.db.dataset.findFirstOrThrow();
    const user = await t.db.user.findFirstOrThrow();
    const key = newSubmissionFileKey();
    const row = await t.db.submission.create({
      data: { userId: user.id, datasetId: dataset.id, kind: "csv", fileKey: key, fileName: "x", fileSize: 1, sha256: "0".repeat(64) },
    });
    const result = await moveUploads({ db: t.db, from: disk, to: s3 });
    expect(result.missing).toEqual([key]);
    await t.db.submission.delete({ where: { id: row.id } });
  });
});
