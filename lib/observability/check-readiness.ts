import fs from "node:fs/promises";
import type { Db } from "../db/client";
import { buildPaths, tensorCachePaths } from "../dataset/layout";
import { readPreparedDataset } from "../dataset/read-prepared-dataset";
import { isAppError } from "../errors/app-error";
import type { BlobStore } from "../storage/blob-store";

export interface ReadinessCheck {
  name: "database" | "blob-store" | "dataset";
  ok: boolean;
  /** What failed, for the operator (the endpoint is for load balancers and monitoring). */
  detail?: string;
}

/** Blob keys are random; this one is never written, so the store must answer "not found". */
const PROBE_KEY = "readiness/probe/never-written";

/**
 * Whether this node can serve participants: the database answers, the blob store answers (a
 * read of a key that never exists must come back "not found", not an error), and a dataset is
 * prepared with its test tensor cache in place. Cheap enough to poll every few seconds.
 */
export async function checkReadiness(options: {
  db: Db;
  store: BlobStore;
  dataDir: string;
}): Promise<{ ready: boolean; checks: ReadinessCheck[] }> {
  const checks = await Promise.all([
    check("database", async () => {
      await options.db.$queryRaw`SELECT 1`;
    }),
    check("blob-store", async () => {
      try {
        const stream = await options.store.openBlob(PROBE_KEY);
        stream.destroy();
      } catch (error) {
        if (isAppError(error) && error.code === "not-found") return;
        throw error;
      }
    }),
    check("dataset", async () => {
      const prepared = await readPreparedDataset(options.dataDir);
      if (!prepared) throw new Error("no dataset is prepared");
      await fs.access(tensorCachePaths(buildPaths(prepared.buildDir).cacheDir, "test").pixels);
    }),
  ]);
  return { ready: checks.every((c) => c.ok), checks };
}

async function check(name: ReadinessCheck["name"], fn: () => Promise<void>): Promise<ReadinessCheck> {
  try {
    await fn();
    return { name, ok: true };
  } catch (error) {
    return { name, ok: false, detail: error instanceof Error ? error.message.split("\n")[0].slice(0, 200) : String(error) };
  }
}
