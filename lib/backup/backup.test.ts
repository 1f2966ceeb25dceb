import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { text } from "node:stream/consumers";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachEngine } from "../../test-support/test-db";
import { createTestDatabase, type TestDatabase } from "../../test-support/create-test-database";
import { fakeSplitScores } from "../../test-support/leaderboard/leaderboard-fixtures";
import { createTestUser, predictionsCsv, registerFixtureDataset } from "../../test-support/scoring/scoring-fixture";
import { setUpScoringFixture } from "../../test-support/scoring/set-up-scoring-fixture";
import { createDb, type Db } from "../db/client";
import { readPreparedDataset } from "../dataset/read-prepared-dataset";
import { loadLeaderboardSnapshot } from "../leaderboard/load-leaderboard-snapshot";
import { createLocalDiskBlobStore, uploadsDir } from "../storage/local-disk-blob-store";
import { createSubmission } from "../submissions/create-submission";
import { hasTool } from "./pg-tools";
import { createBackup } from "./create-backup";
import { restoreBackup } from "./restore-backup";

const NOW = new Date();

/** What a participant and an organizer see of an instance: accounts, leaderboard, the files. */
async function observe(db: Db, dataDir: string) {
  const store = createLocalDiskBlobStore({ root: uploadsDir(dataDir) });
  const users = await db.user.findMany({
    orderBy: { email: "asc" },
    select: { id: true, email: true, name: true, role: true, passwordHash: true },
  });
  const submissions = await db.submission.findMany({
    orderBy: { id: "asc" },
    select: { id: true, fileKey: true, sha256: true, status: true },
  });
  const files = await Promise.all(submissions.map(async (s) => text(await store.openBlob(s.fileKey))));
  const board = await loadLeaderboardSnapshot({ db, now: NOW });
  return { users, submissions, files, board: JSON.parse(JSON.stringify(board)) as unknown };
}

describeEachEngine("backup and restore", (t) => {
  const fixture = setUpScoringFixture({ count: 120 });
  let tmp: string;
  let target: TestDatabase | undefined;
  const pgToolsMissing = t.engine === "postgres" && !(hasTool("pg_dump") && hasTool("pg_restore"));

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tp-backup-"));
    fs.mkdirSync(path.join(fixture.dataDir, "secrets"), { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(fixture.dataDir, "secrets", "split-seed"), "the-split-seed-of-this-instance", { mode: 0o600 });
    await registerFixtureDataset({ db: t.db, fixture });
    const store = createLocalDiskBlobStore({ root: uploadsDir(fixture.dataDir) });
    for (const [i, mode] of (["truth", "constant"] as const).entries()) {
      const user = await createTestUser({ db: t.db });
      await t.db.user.update({ where: { id: user.id }, data: { passwordHash: `hash-${i}` } });
      const csv = predictionsCsv({ fixture, mode });
      const { submission } = await createSubmission({
        db: t.db,
        userId: user.id,
        dataDir: fixture.dataDir,
        store,
        kind: "csv",
        fileName: "p.csv",
        stream: Buffer.from(csv),
      });
      const main = mode === "truth" ? 0.9 : 0.3;
      await t.db.score.create({
        data: {
          submissionId: submission.id,
          publicMain: main,
          privateMain: main,
          public: fakeSplitScores(main) as object,
          private: fakeSplitScores(main) as object,
          durationMs: 5,
        },
      });
      await t.db.submission.update({ where: { id: submission.id }, data: { status: "scored", scoredAt: NOW } });
    }
  });
  afterAll(async () => {
    await target?.drop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it.skipIf(pgToolsMissing)(
    "restores a backup into a fresh DATA_DIR with the same accounts, leaderboard, files, secrets and dataset",
    async () => {
      const before = await observe(t.db, fixture.dataDir);
      expect(before.files).toHaveLength(2);
      expect(before.users.length).toBeGreaterThanOrEqual(2);

      const out = path.join(tmp, "backup");
      const manifest = await createBackup({
        db: t.db,
        databaseUrl: t.url,
        dataDir: fixture.dataDir,
        store: createLocalDiskBlobStore({ root: uploadsDir(fixture.dataDir) }),
        outDir: out,
        fullDataset: true,
      });
      expect(manifest).toMatchObject({ engine: t.engine, uploads: 2, dataset: { buildId: fixture.manifest.buildId, fullBuild: true } });
      expect(manifest.database).not.toBeNull();

      // The new instance: an empty folder and (PostgreSQL) an empty database.
      const dataDir = path.join(tmp, "restored");
      target = t.engine === "postgres" ? await createTestDatabase({ engine: "postgres", empty: true }) : undefined;
      const databaseUrl = target?.url ?? `file:${path.join(dataDir, "db.sqlite")}`;
      const result = await restoreBackup({
        fromDir: out,
        dataDir,
        databaseUrl,
        makeStore: () => createLocalDiskBlobStore({ root: uploadsDir(dataDir) }),
      });
      expect(result).toMatchObject({ databaseRestored: true, uploads: 2 });

      const restored = createDb(databaseUrl);
      try {
        expect(await observe(restored, dataDir)).toEqual(before);
      } finally {
        await restored.$disconnect();
      }
      expect(fs.readFileSync(path.join(dataDir, "secrets", "split-seed"), "utf8")).toBe("the-split-seed-of-this-instance");
      expect((await readPreparedDataset(dataDir))?.buildId).toBe(fixture.manifest.buildId);

      // A second restore over it is refused without --force.
      await expect(
        restoreBackup({ fromDir: out, dataDir, databaseUrl, makeStore: () => createLocalDiskBlobStore({ root: uploadsDir(dataDir) }) }),
      ).rejects.toThrow(/not empty/);
    },
  );

  it.skipIf(pgToolsMissing)("refuses a backup whose files do not match its manifest, before touching anything", async () => {
    const out = path.join(tmp, "backup-2");
    await createBackup({
      db: t.db,
      databaseUrl: t.url,
      dataDir: fixture.dataDir,
      store: createLocalDiskBlobStore({ root: uploadsDir(fixture.dataDir) }),
      outDir: out,
    });
    const upload = fs.readdirSync(out, { recursive: true, withFileTypes: true }).find((e) => e.isFile() && e.name === "upload")!;
    const file = path.join(upload.parentPath, upload.name);
    fs.appendFileSync(file, "x,female,black,straight\n");
    const dataDir = path.join(tmp, "restored-2");
    await expect(
      restoreBackup({
        fromDir: out,
        dataDir,
        databaseUrl: `file:${path.join(dataDir, "db.sqlite")}`,
        makeStore: () => createLocalDiskBlobStore({ root: uploadsDir(dataDir) }),
      }),
    ).rejects.toThrow(/does not match its manifest/);
    expect(fs.existsSync(dataDir)).toBe(false);
    // And a backup into a folder that already holds something is refused.
    await expect(
      createBackup({
        db: t.db,
        databaseUrl: t.url,
        dataDir: fixture.dataDir,
        store: createLocalDiskBlobStore({ root: uploadsDir(fixture.dataDir) }),
        outDir: out,
      }),
    ).rejects.toThrow(/not empty/);
  });
});
