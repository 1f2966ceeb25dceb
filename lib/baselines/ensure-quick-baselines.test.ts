import { afterAll, beforeAll, expect, it } from "vitest";
import { registerDataset } from "../dataset-records/register-dataset";
import { createLocalDiskBlobStore, uploadsDir } from "../storage/local-disk-blob-store";
import { describeEachEngine } from "../../test-support/test-db";
import { ensureQuickBaselines } from "./ensure-quick-baselines";
import { prepareSyntheticBuild, type SyntheticBuild } from "../../test-support/baselines/prepare-synthetic-build";

let build: SyntheticBuild;
beforeAll(async () => {
  build = await prepareSyntheticBuild({ count: 600, seed: 9 });
});
afterAll(() => build?.cleanup());

describeEachEngine("ensureQuickBaselines (npm start)", (t) => {
  it("submits prior and colour-features once per dataset, and nothing when they are there", async () => {
    const store = createLocalDiskBlobStore({ root: uploadsDir(build.dataDir) });
    const log: string[] = [];
    expect(await ensureQuickBaselines({ db: t.db, dataDir: build.dataDir, store, log: (m) => log.push(m) })).toEqual([]);
    await registerDataset({ db: t.db, manifest: build.manifest });

    expect(await ensureQuickBaselines({ db: t.db, dataDir: build.dataDir, store, log: (m) => log.push(m) })).toEqual([
      "prior",
      "colour-features",
    ]);
    const submissions = await t.db.submission.findMany({ include: { baseline: true } });
    expect(submissions.map((s) => s.baseline?.name).sort()).toEqual(["colour-features", "prior"]);
    expect(submissions.every((s) => s.status === "queued" && !s.countsAgainstQuota)).toBe(true);
    expect(log.join("\n")).toMatch(/baseline colour-features trained in/);

    expect(await ensureQuickBaselines({ db: t.db, dataDir: build.dataDir, store, log: () => {} })).toEqual([]);
    expect(await t.db.submission.count()).toBe(2);
  });
});
