import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { buildsDir, currentLinkPath, datasetRoot } from "../../lib/dataset/layout";

export interface DatasetSnapshot {
  /** Target of the `current` symlink, or null. */
  current: string | null;
  /** Entries of builds/ (a failed prepare must leave no temp folder behind). */
  builds: string[];
  /** Entries of dataset/ (lock released, no stray symlinks). */
  root: string[];
  /** Relative path -> sha256 of every file of the live build. */
  files: Record<string, string>;
}

/** Everything a prepare could change, for "nothing changed" assertions. Tests only. */
export function snapshotDataset(dataDir: string): DatasetSnapshot {
  const link = currentLinkPath(dataDir);
  const current = fs.existsSync(link) ? fs.readlinkSync(link) : null;
  const files: Record<string, string> = {};
  if (current) {
    const root = path.resolve(path.dirname(link), current);
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(p);
        else files[path.relative(root, p)] = sha256File(p);
      }
    };
    walk(root);
  }
  const list = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);
  return { current, builds: list(buildsDir(dataDir)), root: list(datasetRoot(dataDir)), files };
}

export function sha256File(file: string): string {
  return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}
