import { createHash } from "node:crypto";
import fs from "node:fs";
import type { Db } from "../db/client";
import type { BlobStore } from "../storage/blob-store";
import { readFeatureNetworkBundle } from "./feature-network-bundle";

/** Largest feature network bundle stored: the 64-feature CNN is ~0.5 MB; this leaves room for wider ones. */
export const MAX_FEATURE_NETWORK_BYTES = 200 * 1024 * 1024;

/**
 * Stores a trained feature network bundle in the blob store and records it as a FeatureNetwork
 * row keyed by its SHA-256 (the same bytes registered twice give the existing row, not a second
 * copy). The bundle is read back and checked first, so a row never points at a file the scorer
 * cannot use.
 */
export async function registerFeatureNetwork(options: {
  db: Db;
  store: BlobStore;
  file: string;
  datasetId: string;
  description?: string;
  metrics?: Record<string, unknown>;
}): Promise<{ id: string; sha256: string; dimensions: number; created: boolean }> {
  const bundle = await readFeatureNetworkBundle(options.file);
  const bytes = fs.readFileSync(options.file);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const existing = await options.db.featureNetwork.findUnique({ where: { sha256 } });
  if (existing) return { id: existing.id, sha256, dimensions: existing.dimensions, created: false };
  const key = `feature-networks/${sha256}/feature-network.zip`;
  const stored = await options.store.putBlob({ key, buffer: bytes, maxBytes: MAX_FEATURE_NETWORK_BYTES });
  if (stored.sha256 !== sha256) throw new Error(`the blob store recorded ${stored.sha256} for a file hashed ${sha256}`);
  const row = await options.db.featureNetwork.create({
    data: {
      sha256,
      fileKey: key,
      sizeBytes: bytes.length,
      datasetId: options.datasetId,
      dimensions: bundle.description.dimensions,
      description: options.description ?? "",
      metrics: (options.metrics ?? bundle.description.training ?? {}) as object,
    },
  });
  return { id: row.id, sha256, dimensions: row.dimensions, created: true };
}
