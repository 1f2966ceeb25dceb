import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Prisma, type Db } from "../../lib/db/client";

/**
 * What a refused request must leave exactly as it was: every table of the schema (found through
 * Prisma's model list, so a new model is covered without editing this) and every file under the
 * given folders (DATA_DIR: the disk blob store's uploads, the mail outbox, secrets, datasets).
 * Each table is reduced to its row count and a hash of its rows (sorted, so the order a query
 * returns them in does not matter); each file to its size, modification time and inode.
 *
 * `ignore` drops the bookkeeping a request may legitimately write about its own credentials
 * (the rate-limit counter and last-used time of the API token it sent): without it, merely
 * presenting a token would count as "something changed".
 */
export interface StateFingerprint {
  tables: Record<string, { rows: number; hash: string }>;
  files: Record<string, string>;
}

export interface FingerprintIgnore {
  /** Columns left out of a model's rows, e.g. `{ ApiToken: ["lastUsedAt", "lastUsedIp"] }`. */
  columns?: Record<string, readonly string[]>;
  /** Rows left out, e.g. `{ RateLimiterFlexible: (row) => String(row.key).startsWith("api-token") }`. */
  rows?: Record<string, (row: Record<string, unknown>) => boolean>;
}

/** The schema's model names, e.g. ["User", "Session", ...]. */
export function modelNames(): string[] {
  return Prisma.dmmf.datamodel.models.map((m) => m.name);
}

function delegateOf(db: Db, model: string): { findMany(args?: object): Promise<Record<string, unknown>[]> } {
  const delegate = (db as unknown as Record<string, unknown>)[model.charAt(0).toLowerCase() + model.slice(1)];
  if (!delegate || typeof (delegate as { findMany?: unknown }).findMany !== "function")
    throw new Error(`state fingerprint: no client delegate for model ${model}`);
  return delegate as { findMany(args?: object): Promise<Record<string, unknown>[]> };
}

function stable(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "bigint") return `${v}n`;
    if (v instanceof Uint8Array) return `bytes:${createHash("sha256").update(v).digest("hex")}`;
    if (v && typeof v === "object" && (v as { type?: unknown }).type === "Buffer" && Array.isArray((v as { data?: unknown }).data))
      return `bytes:${createHash("sha256")
        .update(Buffer.from((v as { data: number[] }).data))
        .digest("hex")}`;
    if (v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date))
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)));
    return v;
  });
}

async function tableFingerprint(db: Db, model: string, ignore: FingerprintIgnore) {
  // The client omits User.passwordHash by default: ask for it, a password change is a change.
  const rows = await delegateOf(db, model).findMany(model === "User" ? { omit: { passwordHash: false } } : undefined);
  const drop = ignore.columns?.[model] ?? [];
  const skip = ignore.rows?.[model];
  const lines = rows
    .filter((row) => !skip?.(row))
    .map((row) => {
      const kept = { ...row };
      for (const column of drop) delete kept[column];
      return stable(kept);
    })
    .sort();
  return { rows: lines.length, hash: createHash("sha256").update(lines.join("\n")).digest("hex") };
}

function folderFingerprint(root: string, into: Record<string, string>): void {
  if (!fs.existsSync(root)) return;
  for (const entry of fs.readdirSync(root, { withFileTypes: true, recursive: true })) {
    const full = path.join(entry.parentPath, entry.name);
    const key = `${root}:${path.relative(root, full)}`;
    // Size, modification time and inode: any write or replacement shows, without reading the
    // dataset builds' archives on every call.
    if (entry.isFile()) {
      const stat = fs.statSync(full, { bigint: true });
      into[key] = `${stat.size}:${stat.mtimeNs}:${stat.ino}`;
    } else if (entry.isDirectory()) into[key] = "dir";
    else if (entry.isSymbolicLink()) into[key] = `link:${fs.readlinkSync(full)}`;
  }
}

export async function fingerprintState(options: {
  db: Db;
  folders?: readonly string[];
  ignore?: FingerprintIgnore;
}): Promise<StateFingerprint> {
  const tables: StateFingerprint["tables"] = {};
  const models = modelNames();
  const results = await Promise.all(models.map((model) => tableFingerprint(options.db, model, options.ignore ?? {})));
  models.forEach((model, i) => (tables[model] = results[i]));
  const files: Record<string, string> = {};
  for (const folder of options.folders ?? []) folderFingerprint(folder, files);
  return { tables, files };
}

/** What differs between two fingerprints, one line each ("table Submission: 3 rows → 4 rows"), empty when nothing does. */
export function describeChanges(before: StateFingerprint, after: StateFingerprint): string[] {
  const changes: string[] = [];
  for (const [model, was] of Object.entries(before.tables)) {
    const now = after.tables[model];
    if (!now) changes.push(`table ${model}: gone`);
    else if (now.rows !== was.rows) changes.push(`table ${model}: ${was.rows} rows → ${now.rows} rows`);
    else if (now.hash !== was.hash) changes.push(`table ${model}: a row changed`);
  }
  for (const model of Object.keys(after.tables)) if (!(model in before.tables)) changes.push(`table ${model}: new`);
  for (const [file, hash] of Object.entries(after.files)) {
    if (!(file in before.files)) changes.push(`file ${file}: new`);
    else if (before.files[file] !== hash) changes.push(`file ${file}: changed`);
  }
  for (const file of Object.keys(before.files)) if (!(file in after.files)) changes.push(`file ${file}: removed`);
  return changes;
}
