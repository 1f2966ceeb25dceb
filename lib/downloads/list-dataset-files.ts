import type { Db } from "../db/client";
import { formatByteSize } from "./format-byte-size";
import { findModelOnlyPhase } from "../phases/find-model-only-phase";

export interface DownloadableFile {
  name: string;
  kind: string;
  sizeBytes: number;
  /** e.g. "18.3 MB" */
  size: string;
  sha256: string;
  description: string;
}

export interface DownloadableDataset {
  buildId: string;
  sourceKind: string;
  preparedAt: Date;
  files: DownloadableFile[];
}

/** What each kind of file is, for the download page. Order = order on the page. */
const KINDS: Record<string, string> = {
  "train-archive": "Training portraits (PNG, named by Image_Index) with Tiny_Portraits_Attributes.csv, their labels",
  "test-archive": "Test portraits (PNG) under opaque Image_Ids, without labels: predict these",
  "sample-submission": "A valid submission: every test Image_Id with placeholder predictions",
  "train-labels": "Labels of the training portraits",
  checksums: "SHA-256 sums of the files above, for sha256sum -c",
  readme: "About the dataset",
};
const KIND_ORDER = Object.keys(KINDS);

/**
 * The files of the current dataset that participants may download (its DatasetFile rows),
 * or null when no dataset is registered. Listing is harmless (names, sizes and hashes), so the
 * download page shows it to everyone; getting a file is what the terms gate.
 */
export async function listDatasetFiles(options: { db: Db }): Promise<DownloadableDataset | null> {
  const dataset = await options.db.dataset.findFirst({
    where: { isCurrent: true },
    orderBy: { preparedAt: "desc" },
    select: {
      buildId: true,
      sourceKind: true,
      preparedAt: true,
      files: { select: { name: true, kind: true, sizeBytes: true, sha256: true } },
    },
  });
  if (!dataset) return null;
  // During a model-only phase the test images are withheld (serve-dataset-file.ts refuses them too).
  const withheld = (await findModelOnlyPhase({ db: options.db })) ? new Set(["test-archive"]) : new Set<string>();
  const rank = (kind: string) => (KIND_ORDER.includes(kind) ? KIND_ORDER.indexOf(kind) : KIND_ORDER.length);
  const files = dataset.files
    .filter((f) => !withheld.has(f.kind))
    .map((f) => ({
      name: f.name,
      kind: f.kind,
      sizeBytes: Number(f.sizeBytes),
      size: formatByteSize(Number(f.sizeBytes)),
      sha256: f.sha256,
      description: KINDS[f.kind] ?? "",
    }))
    .sort((a, b) => rank(a.kind) - rank(b.kind) || a.name.localeCompare(b.name));
  return { buildId: dataset.buildId, sourceKind: dataset.sourceKind, preparedAt: dataset.preparedAt, files };
}
