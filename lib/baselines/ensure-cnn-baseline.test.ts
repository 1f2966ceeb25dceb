import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, expect, it, vi } from "vitest";
import { registerDataset } from "../dataset-records/register-dataset";
import { createLocalDiskBlobStore, uploadsDir } from "../storage/local-disk-blob-store";
import { describeEachEngine } from "../../test-support/test-db";
import { cnnTrainingLockPath, readCnnTrainingLock } from "./cnn-training-lock";
import { ensureCnnBaseline } from "./ensure-cnn-baseline";
import { priorBaseline } from "./prior";
import type { SpawnCnnTrainingOptions, TrainingProcess } from "./training-process";
import { submitBaseline } from "./submit-baseline";
import { prepareSyntheticBuild, type SyntheticBuild } from "../../test-support/baselines/prepare-synthetic-build";

// The start-up logic of the background CNN without training anything: the trainer is a fake
// process the test drives (prints lines, exits), liveness of pids is a set the test controls.

let build: SyntheticBuild;
beforeAll(async () => {
  build = await prepareSyntheticBuild({ count: 200, seed: 11 });
});
afterAll(() => build?.cleanup());

interface FakeTrainer extends TrainingProcess {
  options: SpawnCnnTrainingOptions;
  exit(code: number | null): void;
  killed: boolean;
}

function fakeSpawner(nextPid: () => number) {
  const spawned: FakeTrainer[] = [];
  const spawnTraining = (options: SpawnCnnTrainingOptions): TrainingProcess => {
    let exit!: (code: number | null) => void;
    const exited = new Promise<number | null>((resolve) => (exit = resolve));
    const fake: FakeTrainer = {
      pid: nextPid(),
      exited,
      options,
      killed: false,
      exit,
      kill() {
        fake.killed = true;
        exit(null);
      },
    };
    spawned.push(fake);
    return fake;
  };
  return { spawned, spawnTraining };
}

describeEachEngine("ensureCnnBaseline (npm start, background CNN)", (t) => {
  const live = new Set<number>();
  /** How often each pid's liveness was checked: the watcher's polls, observable. */
  const aliveChecks = new Map<number, number>();
  let pid = 70_000;
  let logs: string[];
  const lockFile = () => cnnTrainingLockPath(build.dataDir);
  const run = (spawnTraining: ReturnType<typeof fakeSpawner>["spawnTraining"]) =>
    ensureCnnBaseline({
      db: t.db,
      dataDir: build.dataDir,
      root: "/nowhere",
      epochs: 3,
      log: (m) => logs.push(m),
      spawnTraining,
      isProcessAlive: (p) => {
        aliveChecks.set(p, (aliveChecks.get(p) ?? 0) + 1);
        return live.has(p);
      },
      watchMs: 10,
    });

  beforeEach(() => {
    logs = [];
    live.clear();
    aliveChecks.clear();
    fs.rmSync(lockFile(), { force: true });
  });

  it("does nothing without a prepared, registered dataset", async () => {
    const { spawned, spawnTraining } = fakeSpawner(() => ++pid);
    expect((await run(spawnTraining)).status).toBe("no-dataset");
    expect(spawned).toHaveLength(0);
    await registerDataset({ db: t.db, manifest: build.manifest });
  });

  it("starts one trainer, holds the lock with its pid, logs only epoch lines, and releases the lock when it exits", async () => {
    const { spawned, spawnTraining } = fakeSpawner(() => ++pid);
    const result = await run(spawnTraining);
    expect(result.status).toBe("started");
    expect(spawned).toHaveLength(1);
    const trainer = spawned[0];
    expect(trainer.options).toMatchObject({ dataDir: build.dataDir, root: "/nowhere", epochs: 3 });
    expect(readCnnTrainingLock(lockFile())?.pid).toBe(trainer.pid);

    // A second start while it trains leaves it alone.
    live.add(trainer.pid);
    const second = await run(spawnTraining);
    expect(second.status).toBe("already-training");
    second.stop();
    await second.done;
    expect(spawned).toHaveLength(1);

    trainer.options.onLine("cnn             epoch 1/3 4096/14400 images 150.0 images/s loss 0.7000");
    trainer.options.onLine(
      "cnn             epoch 1/3 loss 0.6500 150.0 images/s held-out macro-F1 gender 0.800 colour 0.600 type 0.700 main 0.7000",
    );
    trainer.options.onLine("cnn: submitted as abc (held-out main 0.7000, trained in 100.0 s); the running scorers will score it");
    trainer.exit(0);
    live.delete(trainer.pid);
    await result.done;
    const text = logs.join("\n");
    expect(text).toMatch(/epoch 1\/3 loss 0\.6500/);
    expect(text).not.toMatch(/4096\/14400/);
    expect(text).toMatch(/submitted as abc/);
    expect(text).toMatch(/trained and submitted/);
    expect(fs.existsSync(lockFile())).toBe(false);
  });

  it("removes a stale lock (dead pid or a half-written file) and trains again", async () => {
    for (const content of [JSON.stringify({ pid: 4242, datasetId: "x", startedAt: "then" }), '{"pid":']) {
      logs = [];
      fs.mkdirSync(path.dirname(lockFile()), { recursive: true });
      fs.writeFileSync(lockFile(), content);
      const { spawned, spawnTraining } = fakeSpawner(() => ++pid);
      const result = await run(spawnTraining);
      expect(result.status).toBe("started");
      expect(logs.join("\n")).toMatch(/removing a stale training lock/);
      expect(readCnnTrainingLock(lockFile())?.pid).toBe(spawned[0].pid);
      spawned[0].exit(1);
      await result.done;
      expect(logs.join("\n")).toMatch(/training failed \(exit code 1\)/);
      expect(fs.existsSync(lockFile())).toBe(false);
    }
  });

  it("watches a live trainer of another process and takes over when it dies without an entry", async () => {
    fs.mkdirSync(path.dirname(lockFile()), { recursive: true });
    fs.writeFileSync(lockFile(), JSON.stringify({ pid: 5151, datasetId: "x", startedAt: "then" }));
    live.add(5151);
    const { spawned, spawnTraining } = fakeSpawner(() => ++pid);
    const result = await run(spawnTraining);
    expect(result.status).toBe("already-training");
    expect(result.pid).toBe(5151);
    // One check by ensureCnnBaseline, then the watcher's: two polls saw it alive and started nothing.
    await vi.waitFor(() => expect(aliveChecks.get(5151)).toBeGreaterThanOrEqual(3));
    expect(spawned).toHaveLength(0);
    live.delete(5151); // it died (a killed start's orphan) without submitting
    await expect.poll(() => spawned.length, { timeout: 2000, interval: 10 }).toBe(1);
    result.stop(); // shutdown: kills the trainer this process then started
    await result.done;
    expect(spawned[0].killed).toBe(true);
    expect(logs.join("\n")).toMatch(/training stopped \(shutdown\)/);
    expect(fs.existsSync(lockFile())).toBe(false);
  });

  it("skips when the dataset already has a queued, running or scored cnn entry", async () => {
    const csv = await priorBaseline.run({ cacheDir: build.cacheDir });
    await submitBaseline({
      db: t.db,
      name: "cnn",
      title: "Multitask CNN",
      description: "",
      kind: "csv",
      fileName: "cnn.csv",
      bytes: csv.bytes,
      dataDir: build.dataDir,
      store: createLocalDiskBlobStore({ root: uploadsDir(build.dataDir) }),
    });
    const { spawned, spawnTraining } = fakeSpawner(() => ++pid);
    expect((await run(spawnTraining)).status).toBe("present");
    expect(spawned).toHaveLength(0);
    expect(fs.existsSync(lockFile())).toBe(false);
  });
});
