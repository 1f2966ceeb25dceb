import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { prepareDataset, type PrepareResult } from "../../lib/dataset/prepare-dataset";
import { makeFixtureDataset, type Fixture } from "../dataset/make-fixture-dataset";

export interface FixtureBuild extends PrepareResult {
  dataDir: string;
  fixture: Fixture;
  cleanup(): void;
}

/**
 * Test-only: a small prepared dataset (fixture portraits, not the synthetic generator: fast and
 * independent of it) in its own temp DATA_DIR, for the download and explorer tests.
 */
export async function prepareFixtureBuild(options: { count?: number } = {}): Promise<FixtureBuild> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "tp-downloads-"));
  const fixture = await makeFixtureDataset({ dir: path.join(root, "source"), count: options.count ?? 60, seed: 7 });
  const dataDir = path.join(root, "data");
  const result = await prepareDataset({ sourceDir: fixture.dir, dataDir, splitSeed: "downloads-test-seed" });
  return { ...result, dataDir, fixture, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}
