import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { readZip } from "../dataset/read-zip";
import { projectRoot } from "../../lib/db/paths";
import { buildStarterKit, STARTER_KIT_FOLDER } from "../../lib/starter-kit/build-starter-kit";

const run = promisify(execFile);

/**
 * Test-only: the downloadable kit built and unzipped into a temp folder, with this repository's
 * node_modules linked in as if `npm install` had run there (the kit pins the same versions).
 */
export interface UnpackedKit {
  root: string;
  kitDir: string;
  /** Runs `tsx src/train.ts ...args` in the kit folder; never throws on a non-zero exit. */
  train(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  cleanup(): void;
}

export async function unpackStarterKit(): Promise<UnpackedKit> {
  const kit = await buildStarterKit();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "tp-kit-test-"));
  const zip = path.join(root, kit.fileName);
  fs.writeFileSync(zip, kit.bytes);
  for (const [name, data] of await readZip(zip)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), data);
  }
  const kitDir = path.join(root, STARTER_KIT_FOLDER);
  fs.symlinkSync(path.join(projectRoot(), "node_modules"), path.join(kitDir, "node_modules"), "dir");
  return {
    root,
    kitDir,
    async train(args) {
      try {
        const { stdout, stderr } = await run(path.join(kitDir, "node_modules/.bin/tsx"), ["src/train.ts", ...args], {
          cwd: kitDir,
          maxBuffer: 16 * 1024 * 1024,
        });
        return { code: 0, stdout, stderr };
      } catch (e) {
        const err = e as { code?: number; stdout?: string; stderr?: string };
        return { code: typeof err.code === "number" ? err.code : -1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
      }
    },
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}
