import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import Database from "better-sqlite3";
import type { Db } from "../db/client";
import { engineOf, sqliteFilePath } from "../db/engine";
import { buildPaths } from "../dataset/layout";
import { readPreparedDataset } from "../dataset/read-prepared-dataset";
import type { BlobStore } from "../storage/blob-store";
import { createLocalDiskBlobStore } from "../storage/local-disk-blob-store";
import { moveUploads } from "../storage/move-uploads";
import { BACKUP_FORMAT, BACKUP_MANIFEST, hashFile, listFiles, type BackupManifest } from "./backup-manifest";
import { hasTool, pgCommand, runPgTool } from "./pg-tools";

export interface CreateBackupOptions {
  db: Db;
  databaseUrl: string;
  dataDir: string;
  /** The instance's blob store (any kind): its uploads are copied as files. */
  store: BlobStore;
  /** A new or empty folder. */
  outDir: string;
  /** Also copy the whole current dataset build (archives, caches, hidden labels), not only its manifest. */
  fullDataset?: boolean;
  log?: (message: string) => void;
}

/**
 * A consistent copy of an instance in `outDir`, restored by restoreBackup:
 * - database/: SQLite through the online backup API (a consistent snapshot while the instance
 *   runs), or a `pg_dump --format=custom` of PostgreSQL when pg_dump is on PATH (otherwise the
 *   exact command is logged and the manifest says the database is not included);
 * - secrets/: the instance's secrets (the split seed, the auth secret): keep the backup private;
 * - uploads/: every submission's file from whichever store holds them, verified by SHA-256,
 *   copied after the database snapshot so that every upload it refers to is there;
 * - dataset/: the current build's dataset.json (with the split seed the same splits come back
 *   when the same source is prepared again), or the whole build with fullDataset;
 * - manifest.json: what is included and each file's size and SHA-256.
 */
export async function createBackup(options: CreateBackupOptions): Promise<BackupManifest> {
  const { db, databaseUrl, dataDir, outDir } = options;
  const log = options.log ?? (() => {});
  await fsp.mkdir(outDir, { recursive: true, mode: 0o700 });
  if ((await fsp.readdir(outDir)).length > 0) throw new Error(`${outDir} is not empty`);
  await fsp.chmod(outDir, 0o700);

  const engine = engineOf(databaseUrl);
  await fsp.mkdir(path.join(outDir, "database"));
  let database: string | null;
  if (engine === "sqlite") {
    database = "database/db.sqlite";
    const source = new Database(sqliteFilePath(databaseUrl), { readonly: true, fileMustExist: true });
    try {
      await source.backup(path.join(outDir, database));
    } finally {
      source.close();
    }
    log("database: SQLite online backup written");
  } else if (hasTool("pg_dump")) {
    database = "database/postgres.dump";
    runPgTool("pg_dump", databaseUrl, path.join(outDir, database));
    log("database: pg_dump written");
  } else {
    database = null;
    log(
      `database: pg_dump is not on PATH; dump PostgreSQL yourself into this backup with:\n  ${pgCommand("pg_dump", databaseUrl, path.join(outDir, "database", "postgres.dump"))}`,
    );
  }

  const secrets = path.join(dataDir, "secrets");
  if (fs.existsSync(secrets)) await fsp.cp(secrets, path.join(outDir, "secrets"), { recursive: true });

  const uploads = await moveUploads({ db, from: options.store, to: createLocalDiskBlobStore({ root: path.join(outDir, "uploads") }) });
  for (const key of uploads.missing) log(`warning: upload ${key} is missing from the ${options.store.kind} store`);
  log(`uploads: ${uploads.copied} files (${(uploads.bytes / 1024 / 1024).toFixed(1)} MiB) from the ${options.store.kind} store`);

  const prepared = await readPreparedDataset(dataDir);
  if (prepared) {
    const target = path.join(outDir, "dataset", prepared.buildId);
    if (options.fullDataset) await fsp.cp(prepared.buildDir, target, { recursive: true });
    else {
      await fsp.mkdir(target, { recursive: true });
      await fsp.copyFile(buildPaths(prepared.buildDir).manifest, buildPaths(target).manifest);
    }
    log(
      `dataset: build ${prepared.buildId}${options.fullDataset ? " (whole build)" : " (manifest; prepare the same source again to rebuild it)"}`,
    );
  }

  const files = [];
  for (const rel of await listFiles(outDir)) files.push({ path: rel, ...(await hashFile(path.join(outDir, rel))) });
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    createdAt: new Date().toISOString(),
    engine,
    database,
    blobStore: options.store.kind,
    uploads: uploads.copied,
    dataset: prepared ? { buildId: prepared.buildId, fullBuild: options.fullDataset === true } : null,
    files,
  };
  await fsp.writeFile(path.join(outDir, BACKUP_MANIFEST), JSON.stringify(manifest, null, 2) + "\n", { mode: 0o600 });
  return manifest;
}
