import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { createDb } from "../db/client";
import { engineOf, sqliteFilePath } from "../db/engine";
import { BUILDS_DIR_NAME, buildsDir, currentLinkPath } from "../dataset/layout";
import type { BlobStore } from "../storage/blob-store";
import { createLocalDiskBlobStore } from "../storage/local-disk-blob-store";
import { moveUploads } from "../storage/move-uploads";
import { BACKUP_MANIFEST, backupManifestSchema, hashFile, listFiles, type BackupManifest } from "./backup-manifest";
import { hasTool, pgCommand, runPgTool } from "./pg-tools";

export interface RestoreBackupOptions {
  fromDir: string;
  /** The instance to restore into: must be empty (or absent) unless `force`. */
  dataDir: string;
  /** Its database: the SQLite file is replaced; a PostgreSQL database is restored with pg_restore --clean. */
  databaseUrl: string;
  /** Where the uploads go (the instance's BLOB_STORE), built once the database is back. */
  makeStore: (db: ReturnType<typeof createDb>) => BlobStore;
  force?: boolean;
  log?: (message: string) => void;
}

export interface RestoreBackupResult {
  manifest: BackupManifest;
  databaseRestored: boolean;
  uploads: number;
}

/**
 * Brings a backup of createBackup back into `dataDir` and its database. Every file is checked
 * against the manifest's SHA-256 first, so a damaged or altered backup changes nothing. The
 * database comes back first (SQLite: the snapshot file; PostgreSQL: pg_restore when on PATH, or
 * the exact command is logged), then the secrets (same split seed and auth secret), then the
 * uploads into the configured store, then the dataset build when the backup has it.
 */
export async function restoreBackup(options: RestoreBackupOptions): Promise<RestoreBackupResult> {
  const { fromDir, dataDir, databaseUrl } = options;
  const log = options.log ?? (() => {});
  const manifest = backupManifestSchema.parse(JSON.parse(await fsp.readFile(path.join(fromDir, BACKUP_MANIFEST), "utf8")));

  // Verify the whole backup before touching anything.
  const listed = new Set(manifest.files.map((f) => f.path));
  for (const rel of await listFiles(fromDir)) {
    if (rel !== BACKUP_MANIFEST && !listed.has(rel)) throw new Error(`backup holds ${rel}, which its manifest does not list`);
  }
  for (const f of manifest.files) {
    const file = path.join(fromDir, ...f.path.split("/"));
    const actual = fs.existsSync(file) ? await hashFile(file) : undefined;
    if (!actual || actual.size !== f.size || actual.sha256 !== f.sha256)
      throw new Error(`backup file ${f.path} is missing or does not match its manifest`);
  }
  const engine = engineOf(databaseUrl);
  if (engine !== manifest.engine) throw new Error(`the backup is of a ${manifest.engine} instance; DATABASE_URL is ${engine}`);

  if (fs.existsSync(dataDir) && (await fsp.readdir(dataDir)).length > 0 && !options.force) {
    throw new Error(`${dataDir} is not empty: restore into a fresh DATA_DIR, or pass --force to overwrite`);
  }
  await fsp.mkdir(dataDir, { recursive: true });

  let databaseRestored = false;
  if (manifest.database && engine === "sqlite") {
    const target = sqliteFilePath(databaseUrl);
    await fsp.mkdir(path.dirname(target), { recursive: true });
    for (const suffix of ["", "-wal", "-shm", "-journal"]) await fsp.rm(target + suffix, { force: true });
    await fsp.copyFile(path.join(fromDir, manifest.database), target);
    databaseRestored = true;
  } else if (manifest.database) {
    const dump = path.join(fromDir, manifest.database);
    if (hasTool("pg_restore")) {
      runPgTool("pg_restore", databaseUrl, dump);
      databaseRestored = true;
    } else log(`database: pg_restore is not on PATH; restore it yourself with:\n  ${pgCommand("pg_restore", databaseUrl, dump)}`);
  } else log("database: this backup has none (pg_dump was not available when it was made)");

  const secrets = path.join(fromDir, "secrets");
  if (fs.existsSync(secrets)) {
    await fsp.cp(secrets, path.join(dataDir, "secrets"), { recursive: true, force: true });
    await fsp.chmod(path.join(dataDir, "secrets"), 0o700);
  }

  let uploads = 0;
  if (databaseRestored) {
    const db = createDb(databaseUrl);
    try {
      const moved = await moveUploads({
        db,
        from: createLocalDiskBlobStore({ root: path.join(fromDir, "uploads") }),
        to: options.makeStore(db),
      });
      uploads = moved.copied + moved.alreadyThere;
      for (const key of moved.missing) log(`warning: upload ${key} was not in the backup`);
    } finally {
      await db.$disconnect();
    }
  }

  if (manifest.dataset?.fullBuild) {
    const { buildId } = manifest.dataset;
    await fsp.mkdir(buildsDir(dataDir), { recursive: true });
    const target = path.join(buildsDir(dataDir), buildId);
    await fsp.rm(target, { recursive: true, force: true });
    await fsp.cp(path.join(fromDir, "dataset", buildId), target, { recursive: true });
    await fsp.rm(currentLinkPath(dataDir), { force: true });
    await fsp.symlink(path.join(BUILDS_DIR_NAME, buildId), currentLinkPath(dataDir));
  } else if (manifest.dataset) {
    log(
      `dataset: build ${manifest.dataset.buildId} was not included; prepare the same source again (the split seed is restored), or let npm start prepare the synthetic default`,
    );
  }
  return { manifest, databaseRestored, uploads };
}
