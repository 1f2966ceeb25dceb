import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createZipWriter } from "../zip/create-zip-writer";
import { projectRoot as findProjectRoot } from "../db/paths";
import { collectStarterKitFiles } from "./collect-starter-kit-files";

/**
 * The downloadable starter kit: starter-kit/ plus the platform files it runs on (see
 * collect-starter-kit-files.ts), zipped under one top folder so unzipping makes
 * `tiny-portraits-starter-kit/`. It holds no images, so it is public.
 *
 * Built in memory (about 100 KB) and cached by the hash of its inputs: every call re-reads the
 * few dozen source files (milliseconds) and rebuilds only when one changed, so an edited kit
 * is served at once without a restart. Deterministic (fixed entry dates, sorted entries): the
 * same sources give the same bytes, and the SHA-256 is a stable ETag.
 */

export const STARTER_KIT_FILE_NAME = "tiny-portraits-starter-kit.zip";
export const STARTER_KIT_FOLDER = "tiny-portraits-starter-kit";

export interface StarterKit {
  bytes: Buffer;
  sha256: string;
  fileName: string;
  /** Paths inside the kit folder. */
  entries: string[];
  /** lib/ files copied into src/platform/. */
  platformFiles: string[];
}

let cached: { inputHash: string; kit: StarterKit } | undefined;

export async function buildStarterKit(options: { projectRoot?: string } = {}): Promise<StarterKit> {
  const { files, platformFiles } = collectStarterKitFiles({ projectRoot: options.projectRoot ?? findProjectRoot() });
  const inputHash = hashFiles(files);
  if (cached?.inputHash === inputHash) return cached.kit;

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tp-starter-kit-"));
  try {
    const zipPath = path.join(tmp, STARTER_KIT_FILE_NAME);
    const zip = await createZipWriter(zipPath);
    for (const [name, data] of files) await zip.add(`${STARTER_KIT_FOLDER}/${name}`, data, { compress: true });
    const { sha256 } = await zip.finish();
    const kit: StarterKit = {
      bytes: fs.readFileSync(zipPath),
      sha256,
      fileName: STARTER_KIT_FILE_NAME,
      entries: [...files.keys()],
      platformFiles,
    };
    cached = { inputHash, kit };
    return kit;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function hashFiles(files: Map<string, Buffer>): string {
  const hash = crypto.createHash("sha256");
  for (const [name, data] of files) hash.update(`${name}\0${data.length}\0`).update(data);
  return hash.digest("hex");
}
