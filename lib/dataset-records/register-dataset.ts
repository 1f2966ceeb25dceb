import type { Db } from "../db/client";
import type { DatasetFileKind } from "../db/enums";
import type { DatasetManifest, DownloadKind } from "../dataset/dataset-manifest";

const FILE_KIND: Record<DownloadKind, DatasetFileKind> = {
  "train-zip": "train-archive",
  "test-zip": "test-archive",
  "sample-submission": "sample-submission",
  checksums: "checksums",
};

/**
 * Records a prepared build in the database and makes it the current dataset: its
 * downloads become DatasetFile rows (what the download page lists and logs against),
 * every other dataset is retired. Idempotent by buildId, so `npm start` can call it on
 * every start and a database restored from an older backup catches up with the files.
 */
export async function registerDataset(options: { db: Db; manifest: DatasetManifest }) {
  const { db, manifest } = options;
  const data = {
    sourceKind: manifest.source.kind,
    sourcePath: manifest.source.path,
    status: "ready",
    totalCount: manifest.counts.total,
    trainCount: manifest.counts.train,
    testCount: manifest.counts.test,
    publicCount: manifest.counts.public,
    privateCount: manifest.counts.private,
    labelStats: manifest.labelCounts,
    splitSeedHash: manifest.splitSeedHash,
    preparedAt: new Date(manifest.createdAt),
    isCurrent: true,
  };
  return db.$transaction(async (tx) => {
    await tx.dataset.updateMany({
      where: { buildId: { not: manifest.buildId } },
      data: { isCurrent: false, status: "retired" },
    });
    const dataset = await tx.dataset.upsert({
      where: { buildId: manifest.buildId },
      create: { buildId: manifest.buildId, ...data },
      update: data,
    });
    for (const file of manifest.downloads) {
      const row = { kind: FILE_KIND[file.kind], sizeBytes: BigInt(file.sizeBytes), sha256: file.sha256 };
      await tx.datasetFile.upsert({
        where: { datasetId_name: { datasetId: dataset.id, name: file.name } },
        create: { datasetId: dataset.id, name: file.name, ...row },
        update: row,
      });
    }
    return dataset;
  });
}
