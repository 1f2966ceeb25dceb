import { ATTRIBUTES, DATASET_VALUES } from "../challenge/definition";
import type { DatasetManifest } from "./dataset-manifest";
import { readPreparedDataset } from "./read-prepared-dataset";

const SPLITS = ["train", "test", "public", "private"] as const;

export interface DatasetInfo {
  buildId: string;
  createdAt: string;
  sourceKind: DatasetManifest["source"]["kind"];
  sourceLayout: DatasetManifest["source"]["layout"];
  counts: DatasetManifest["counts"];
  /** One row per attribute value: counts per split (the `n/a` rows included). */
  labels: { attribute: string; value: string; train: number; test: number; public: number; private: number }[];
  downloads: { name: string; sizeBytes: number; sha256: string }[];
  warnings: string[];
  skippedCount: number;
}

/** Counts per split and per label of the live dataset, for `npm run data -- info` and the organizer page. */
export async function getDatasetInfo(options: { dataDir: string }): Promise<DatasetInfo | undefined> {
  const prepared = await readPreparedDataset(options.dataDir);
  return prepared && datasetInfoFromManifest(prepared);
}

export function datasetInfoFromManifest(m: DatasetManifest): DatasetInfo {
  return {
    buildId: m.buildId,
    createdAt: m.createdAt,
    sourceKind: m.source.kind,
    sourceLayout: m.source.layout,
    counts: m.counts,
    labels: ATTRIBUTES.flatMap((attribute) =>
      DATASET_VALUES[attribute].map((value) => ({
        attribute,
        value,
        ...(Object.fromEntries(SPLITS.map((s) => [s, m.labelCounts[s][attribute]?.[value] ?? 0])) as Record<
          (typeof SPLITS)[number],
          number
        >),
      })),
    ),
    downloads: m.downloads.map(({ name, sizeBytes, sha256 }) => ({ name, sizeBytes, sha256 })),
    warnings: m.report.warnings,
    skippedCount: m.report.skippedCount,
  };
}

/** A plain-text table of the info, for terminals. */
export function formatDatasetInfo(info: DatasetInfo): string {
  const n = (x: number) => x.toLocaleString("en-US");
  const header = ["attribute", "value", ...SPLITS];
  const body = [
    ["(all)", "", ...SPLITS.map((s) => n(info.counts[s]))],
    ...info.labels.map((l) => [l.attribute, l.value, ...SPLITS.map((s) => n(l[s]))]),
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  const lines = [
    `dataset ${info.buildId} (${info.sourceKind}, from ${info.sourceLayout}), prepared ${info.createdAt}`,
    `${n(info.counts.total)} images: ${n(info.counts.train)} train, ${n(info.counts.test)} test (${n(info.counts.public)} public, ${n(info.counts.private)} private)`,
    "",
    fmt(header),
    fmt(widths.map((w) => "-".repeat(w))),
    ...body.map(fmt),
    "",
    ...info.downloads.map((d) => `${d.name}  ${(d.sizeBytes / 1e6).toFixed(1)} MB  sha256 ${d.sha256}`),
  ];
  if (info.skippedCount > 0) lines.push("", `${info.skippedCount} row(s) were skipped (see dataset.json report.skipped)`);
  for (const w of info.warnings) lines.push(`warning: ${w}`);
  return lines.join("\n");
}
