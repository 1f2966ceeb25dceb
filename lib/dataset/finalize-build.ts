import type { LabelRow } from "../challenge/definition";
import { buildDatasetManifest, type BuiltFile } from "./build-dataset-manifest";
import { countLabels, majorityClasses } from "./count-labels";
import type { DatasetProblem } from "./dataset-error";
import type { DatasetManifest } from "./dataset-manifest";
import { formatChecksums, sha256Hex } from "./format-checksums";
import { formatHiddenLabels, formatSampleSubmission } from "./format-build-csvs";
import type { SourceLayout } from "./image-source";
import { syncDir } from "./install-build";
import { SAMPLE_SUBMISSION_NAME, TEST_ZIP_NAME, TRAIN_ZIP_NAME, buildPaths } from "./layout";
import { readSourceMarker } from "./read-source-marker";
import type { DatasetSplit } from "./split-dataset";
import type { StageTimer } from "./stage-timer";
import { writeDurableFile } from "./write-durable-file";

/**
 * The small files of a build, once its zips and caches are written: the sample submission
 * (the majority train class everywhere), the hidden labels (owner-only), SHA256SUMS of the
 * downloads, and dataset.json last; then every folder is synced, so the build can be installed.
 */
export async function finalizeBuild(options: {
  tmpDir: string;
  buildId: string;
  sourceDir: string;
  layout: SourceLayout;
  splitSeed: string;
  rows: readonly LabelRow[];
  split: DatasetSplit;
  zips: { trainZip: BuiltFile; testZip: BuiltFile };
  warnings: string[];
  skipped: readonly DatasetProblem[];
  timer: StageTimer;
}): Promise<DatasetManifest> {
  const { tmpDir, split, zips } = options;
  const paths = buildPaths(tmpDir);
  const rowByIndex = new Map(options.rows.map((r) => [r.Image_Index, r]));
  const trainCounts = countLabels(split.train.map((i) => rowByIndex.get(i)!));
  const testRows = split.test.map((t) => ({ ...t, labels: rowByIndex.get(t.Image_Index)! }));

  const sample = formatSampleSubmission(split.test, majorityClasses(trainCounts));
  await writeDurableFile(paths.sampleSubmission, sample);
  await writeDurableFile(paths.hiddenLabels, formatHiddenLabels(testRows), 0o600);
  const sampleFile = { sizeBytes: sample.length, sha256: sha256Hex(sample) };
  const sums = formatChecksums([
    { name: TRAIN_ZIP_NAME, sha256: zips.trainZip.sha256 },
    { name: TEST_ZIP_NAME, sha256: zips.testZip.sha256 },
    { name: SAMPLE_SUBMISSION_NAME, sha256: sampleFile.sha256 },
  ]);
  await writeDurableFile(paths.checksums, sums);

  const manifest = buildDatasetManifest({
    buildId: options.buildId,
    source: { path: options.sourceDir, layout: options.layout, marker: await readSourceMarker(options.sourceDir) },
    splitSeed: options.splitSeed,
    rowCount: options.rows.length,
    split,
    testRows,
    trainCounts,
    files: { ...zips, sampleSubmission: sampleFile, checksums: { sizeBytes: sums.length, sha256: sha256Hex(sums) } },
    warnings: options.warnings,
    skipped: options.skipped,
    timings: { ...options.timer.timings, total: options.timer.total() },
  });
  await writeDurableFile(paths.manifest, JSON.stringify(manifest, null, 2) + "\n");
  for (const dir of [paths.publicDir, paths.cacheDir, paths.hiddenDir, tmpDir]) await syncDir(dir);
  return manifest;
}
