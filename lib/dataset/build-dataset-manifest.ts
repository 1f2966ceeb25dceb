import {
  ATTRIBUTES,
  IMAGE_CHANNELS,
  IMAGE_HEIGHT,
  IMAGE_WIDTH,
  PUBLIC_FRACTION_OF_TEST,
  TEST_FRACTION,
  type LabelRow,
} from "../challenge/definition";
import { countLabels } from "./count-labels";
import type { DatasetProblem } from "./dataset-error";
import { MANIFEST_VERSION, datasetManifestSchema, type DatasetDownload, type DatasetManifest, type LabelCounts } from "./dataset-manifest";
import { sha256Hex } from "./format-checksums";
import type { SourceLayout } from "./image-source";
import { CHECKSUMS_NAME, SAMPLE_SUBMISSION_NAME, TEST_ZIP_NAME, TRAIN_ZIP_CSV_NAME, TRAIN_ZIP_NAME } from "./layout";
import type { DatasetSplit, TestAssignment } from "./split-dataset";

const MAX_REPORTED_SKIPPED = 1000;

export interface BuiltFile {
  sizeBytes: number;
  sha256: string;
}

/**
 * dataset.json of a build, from what the prepare did: the split and its label counts, the
 * downloads (sizes, checksums and the descriptions the site shows, written from the counts),
 * the report (warnings, rows left out: the first 1,000 by line, and how many) and the timings.
 * Validated against the schema the readers use, so a build never holds a manifest they refuse.
 */
export function buildDatasetManifest(options: {
  buildId: string;
  source: { path: string; layout: SourceLayout; marker: { synthetic: boolean; content?: unknown } };
  splitSeed: string;
  rowCount: number;
  split: DatasetSplit;
  testRows: readonly (TestAssignment & { labels: LabelRow })[];
  trainCounts: LabelCounts;
  files: { trainZip: BuiltFile; testZip: BuiltFile; sampleSubmission: BuiltFile; checksums: BuiltFile };
  warnings: string[];
  skipped: readonly DatasetProblem[];
  timings: Record<string, number>;
  now?: Date;
}): DatasetManifest {
  const { split, testRows, files, skipped } = options;
  const downloads: DatasetDownload[] = [
    {
      name: TRAIN_ZIP_NAME,
      ...files.trainZip,
      kind: "train-zip",
      description: `${split.train.length.toLocaleString("en-US")} training portraits (PNG, 84x108) and ${TRAIN_ZIP_CSV_NAME} with their labels`,
    },
    {
      name: TEST_ZIP_NAME,
      ...files.testZip,
      kind: "test-zip",
      description: `${split.test.length.toLocaleString("en-US")} test portraits named by Image_Id, labels hidden`,
    },
    {
      name: SAMPLE_SUBMISSION_NAME,
      ...files.sampleSubmission,
      kind: "sample-submission",
      description: "a valid submission (the most frequent training class everywhere) listing every test Image_Id",
    },
    {
      name: CHECKSUMS_NAME,
      ...files.checksums,
      kind: "checksums",
      description: "SHA-256 sums of the other files (sha256sum -c SHA256SUMS)",
    },
  ];

  const publicRows = testRows.filter((t) => t.split === "public").map((t) => t.labels);
  const privateRows = testRows.filter((t) => t.split !== "public").map((t) => t.labels);
  const { marker } = options.source;
  return datasetManifestSchema.parse({
    version: MANIFEST_VERSION,
    buildId: options.buildId,
    createdAt: (options.now ?? new Date()).toISOString(),
    source: {
      kind: marker.synthetic ? "synthetic" : "real",
      path: options.source.path,
      layout: options.source.layout,
      ...(marker.content !== undefined ? { marker: marker.content } : {}),
    },
    splitSeedHash: sha256Hex(Buffer.from(options.splitSeed, "utf8")),
    image: { width: IMAGE_WIDTH, height: IMAGE_HEIGHT, channels: IMAGE_CHANNELS },
    split: { testFraction: TEST_FRACTION, publicFractionOfTest: PUBLIC_FRACTION_OF_TEST, strata: [...ATTRIBUTES] },
    counts: {
      total: options.rowCount,
      train: split.train.length,
      test: split.test.length,
      public: publicRows.length,
      private: privateRows.length,
    },
    labelCounts: {
      train: options.trainCounts,
      test: countLabels(testRows.map((t) => t.labels)),
      public: countLabels(publicRows),
      private: countLabels(privateRows),
    },
    downloads,
    report: {
      warnings: options.warnings,
      skipped: [...skipped]
        .sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity))
        .slice(0, MAX_REPORTED_SKIPPED)
        .map((p) => ({
          code: p.code,
          message: p.message,
          ...(p.line !== undefined ? { line: p.line } : {}),
          ...(p.imageIndex !== undefined ? { imageIndex: p.imageIndex } : {}),
        })),
      skippedCount: skipped.length,
    },
    timings: options.timings,
  });
}
