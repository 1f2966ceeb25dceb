import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachEngine } from "../../test-support/test-db";
import { setUpScoringFixture } from "../../test-support/scoring/set-up-scoring-fixture";
import { createLocalDiskBlobStore } from "../storage/local-disk-blob-store";
import { createS3BlobStore, createS3Client } from "../storage/s3-blob-store";
import { checkReadiness } from "./check-readiness";

describeEachEngine("checkReadiness", (t) => {
  const fixture = setUpScoringFixture({ count: 120 });
  let empty: string;
  beforeAll(async () => {
    empty = fs.mkdtempSync(path.join(os.tmpdir(), "tp-ready-"));
  });
  afterAll(() => {
    fs.rmSync(empty, { recursive: true, force: true });
  });

  it("is ready with a database, a blob store and a prepared dataset", async () => {
    const store = createLocalDiskBlobStore({ root: path.join(fixture.dataDir, "uploads") });
    expect(await checkReadiness({ db: t.db, store, dataDir: fixture.dataDir })).toEqual({
      ready: true,
      checks: [
        { name: "database", ok: true },
        { name: "blob-store", ok: true },
        { name: "dataset", ok: true },
      ],
    });
  });

  it("names the dataset when none is prepared and the blob store when it cannot be reached", async () => {
    // Nothing listens on port 9 (discard) on loopback: the S3 request fails to connect.
    const unreachable = createS3BlobStore({
      client: createS3Client({ bucket: "b", endpoint: "http://127.0.0.1:9", credentials: { accessKeyId: "x", secretAccessKey: "y" } }),
      bucket: "b",
    });
    const result = await checkReadiness({ db: t.db, store: unreachable, dataDir: empty });
    expect(result.ready).toBe(false);
    expect(result.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(["blob-store", "dataset"]);
    expect(result.checks.find((c) => c.name === "dataset")?.detail).toBe("no dataset is prepared");
  });
});
