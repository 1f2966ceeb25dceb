import fs from "node:fs";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { registerDataset } from "@/lib/dataset-records/register-dataset";
import { createLocalDiskBlobStore, uploadsDir } from "@/lib/storage/local-disk-blob-store";
import { describeEachEngine } from "@/test-support/test-db";
import { prepareSyntheticBuild, type SyntheticBuild } from "@/test-support/baselines/prepare-synthetic-build";
import {
  ensureGenerationBaselines,
  generationTrainingLockPath,
  type SpawnGenerationTraining,
} from "@/lib/baselines/ensure-generation-baselines";
import type { TrainingProcess } from "@/lib/baselines/training-process";

// npm start's generation baselines without training a network: the background trainer is a fake
// the test drives. The quick ones (PCA, resampling) are really fitted and submitted.

let build: SyntheticBuild;
beforeAll(async () => {
  build = await prepareSyntheticBuild({ count: 300, seed: 17 });
});
afterAll(() => build?.cleanup());

function fakeSpawner() {
  const spawned: { only: string[]; exit: (code: number) => void; killed: boolean }[] = [];
  let pid = 81_000;
  const spawnTraining: SpawnGenerationTraining = (options) => {
    let exit!: (code: number | null) => void;
    const exited = new Promise<number | null>((resolve) => (exit = resolve));
    const entry = { only: options.only, exit, killed: false };
    spawned.push(entry);
    const child: TrainingProcess = {
      pid: ++pid,
      exited,
      kill() {
        entry.killed = true;
        exit(null);
      },
    };
    return child;
  };
  return { spawned, spawnTraining };
}

describeEachEngine("ensureGenerationBaselines (npm start)", (t) => {
  let logs: string[];
  const store = () => createLocalDiskBlobStore({ root: uploadsDir(build.dataDir) });
  const run = (background: "start" | "later" | "off", spawnTraining: SpawnGenerationTraining) =>
    ensureGenerationBaselines({
      db: t.db,
      dataDir: build.dataDir,
      root: process.cwd(),
      log: (m) => logs.push(m),
      background,
      spawnTraining,
      store: store(),
      isProcessAlive: () => false,
    });
  const openPhase = () =>
    t.db.phase.create({
      data: {
        id: "gen",
        name: "Generation",
        track: "generation",
        acceptedKinds: "generator,images",
        startsAt: new Date(Date.now() - 3600_000),
        endsAt: new Date(Date.now() + 86400_000),
        dailyLimit: 5,
      },
    });

  beforeAll(async () => {
    await registerDataset({ db: t.db, manifest: build.manifest });
  });
  beforeEach(async () => {
    logs = [];
    await t.db.job.deleteMany();
    await t.db.submission.deleteMany();
    await t.db.featureNetwork.deleteMany();
    await t.db.phase.deleteMany();
    fs.rmSync(generationTrainingLockPath(build.dataDir), { force: true });
  });

  it("does nothing without a running generation phase, and says so", async () => {
    const fake = fakeSpawner();
    const r = await run("start", fake.spawnTraining);
    expect(r.status).toBe("no-phase");
    expect(fake.spawned).toEqual([]);
    expect(logs.join("\n")).toContain("no generation phase is running");
  });

  it("without a feature network leaves everything to one background child (which trains the network first)", async () => {
    await openPhase();
    const fake = fakeSpawner();
    const r = await run("start", fake.spawnTraining);
    expect(r.status).toBe("started");
    expect(r.submitted).toEqual([]);
    expect(fake.spawned.map((s) => s.only)).toEqual([["pca-sampler", "train-resampling", "vae"]]);
    expect(logs.join("\n")).toContain("training the feature network, then pca-sampler, train-resampling, vae in the background");
    // A second start while the child lives leaves it alone.
    const again = await ensureGenerationBaselines({
      db: t.db,
      dataDir: build.dataDir,
      root: process.cwd(),
      log: (m) => logs.push(m),
      background: "start",
      spawnTraining: fake.spawnTraining,
      isProcessAlive: () => true,
    });
    expect(again.status).toBe("already-training");
    expect(fake.spawned).toHaveLength(1);
    r.stop();
    await r.done;
    expect(fake.spawned[0].killed).toBe(true);
    expect(fs.existsSync(generationTrainingLockPath(build.dataDir))).toBe(false);
  });

  it("with a feature network submits PCA and resampling at once as generator entries, the VAE later in the background, and off means logged only", async () => {
    await openPhase();
    const dataset = await t.db.dataset.findFirstOrThrow({ where: { isCurrent: true } });
    await t.db.featureNetwork.create({
      data: { sha256: "f".repeat(64), fileKey: "feature-networks/x", sizeBytes: 1, datasetId: dataset.id, dimensions: 64, metrics: {} },
    });
    const fake = fakeSpawner();
    const first = await run("later", fake.spawnTraining);
    expect(first.submitted).toEqual(["pca-sampler", "train-resampling"]);
    expect(fake.spawned).toEqual([]);
    const rows = await t.db.submission.findMany({ include: { baseline: true }, orderBy: { createdAt: "asc" } });
    expect(rows.map((s) => [s.baseline?.name, s.kind, s.track, s.status])).toEqual([
      ["pca-sampler", "generator", "generation", "queued"],
      ["train-resampling", "generator", "generation", "queued"],
    ]);
    expect(await t.db.job.count({ where: { type: "score-generation" } })).toBe(2);

    const off = await run("off", fake.spawnTraining);
    expect(off.submitted).toEqual([]);
    expect(fake.spawned).toEqual([]);
    expect(logs.join("\n")).toContain("vae not trained (background training is off");

    const later = await run("start", fake.spawnTraining);
    expect(later.status).toBe("started");
    expect(fake.spawned.map((s) => s.only)).toEqual([["vae"]]);
    fake.spawned[0].exit(0);
    await later.done;
    expect(logs.join("\n")).toContain("generation baselines: trained and submitted");
  });
});
