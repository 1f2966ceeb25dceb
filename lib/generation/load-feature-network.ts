import { createHash } from "node:crypto";
import fs from "node:fs";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import type { BlobStore } from "../storage/blob-store";
import { withBlobFile } from "../storage/with-blob-file";
import { readFeatureNetworkBundle, type FeatureNetworkBundle } from "./feature-network-bundle";

/**
 * The feature network to score with, read from the blob store and checked against its SHA-256
 * (a pinned hash must give exactly those bytes): the one given by hash, or else the newest
 * network registered for `datasetId`. Not found is the organizer's to fix (train one with
 * `npm run generation -- train-features`).
 */
export async function loadFeatureNetwork(options: {
  db: Db;
  store: BlobStore;
  sha256?: string;
  datasetId?: string;
}): Promise<{ sha256: string; bundle: FeatureNetworkBundle }> {
  const row = options.sha256
    ? await options.db.featureNetwork.findUnique({ where: { sha256: options.sha256 } })
    : await options.db.featureNetwork.findFirst({
        where: options.datasetId ? { datasetId: options.datasetId } : {},
        orderBy: { createdAt: "desc" },
      });
  if (!row)
    throw new AppError("not-found", {
      user: options.sha256
        ? `No feature network with SHA-256 ${options.sha256} is registered.`
        : "No feature network is registered for this dataset: run npm run generation -- train-features.",
    });
  return withBlobFile({ store: options.store, key: row.fileKey }, async (file) => {
    const sha256 = createHash("sha256").update(fs.readFileSync(file)).digest("hex");
    if (sha256 !== row.sha256) throw new Error(`feature network ${row.id}: stored bytes hash to ${sha256}, not ${row.sha256}`);
    return { sha256, bundle: await readFeatureNetworkBundle(file) };
  });
}
