import { createHash } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { z } from "zod";

/** `manifest.json` at the top of a backup folder: what it holds and every file's hash. */
export const BACKUP_MANIFEST = "manifest.json";
export const BACKUP_FORMAT = 1;

export const backupManifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  createdAt: z.string(),
  engine: z.enum(["sqlite", "postgres"]),
  /** `database/db.sqlite`, `database/postgres.dump`, or null when pg_dump was not available. */
  database: z.string().nullable(),
  /** The store the uploads were read from; they are kept as files under uploads/. */
  blobStore: z.string(),
  uploads: z.number().int(),
  /** The prepared dataset when there was one: its build id, and whether the whole build is included. */
  dataset: z.object({ buildId: z.string(), fullBuild: z.boolean() }).nullable(),
  files: z.array(z.object({ path: z.string(), size: z.number().int(), sha256: z.string() })),
});
export type BackupManifest = z.infer<typeof backupManifestSchema>;

export async function hashFile(file: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash("sha256");
  let size = 0;
  await pipeline(fs.createReadStream(file), async function* (source: AsyncIterable<Buffer>) {
    for await (const chunk of source) {
      size += chunk.length;
      hash.update(chunk);
    }
  });
  return { size, sha256: hash.digest("hex") };
}

/** Every regular file under `dir`, as paths relative to it with forward slashes, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fsp.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out.push(path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"));
  }
  return out.sort();
}
