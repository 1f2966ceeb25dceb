import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { bundleWorkerEntry } from "@/lib/workers/bundle-worker-entry";

/**
 * The sandbox child runs as one bundled JavaScript file, so Node's permission model can grant
 * it exactly that file plus a few trusted runtime files, instead of the project folder (which
 * holds DATA_DIR, and with it the hidden labels, by default). The bundle comes from lib/workers
 * like every other thread or process of the project, with dependencies bundled in (the child
 * may not read node_modules): tfjs is in it; onnxruntime-node (a native addon) and tfjs-node
 * stay outside and are granted by package folder.
 *
 * The bundle lives in lib/workers' cache (node_modules/.cache/tp-workers), never under DATA_DIR:
 * the scorer masks the uploads and database folders (DATA_DIR itself with the default SQLite
 * file), and a bundle inside a masked folder is refused by run-model-in-sandbox.ts.
 */

export interface SandboxRuntime {
  /** The bundled child script. */
  entryFile: string;
  /** Folder holding the tfjs wasm binaries, with the binaries themselves. */
  wasmDir: string;
  wasmFiles: string[];
  /** Main module and package folders of onnxruntime-node and onnxruntime-common. */
  ortModule: string;
  ortDirs: string[];
  /** Present only when @tensorflow/tfjs-node is installed. */
  tfjsNode?: { module: string; nodeModulesDir: string };
}

/** The child's entry, relative to the project folder. */
export const SANDBOX_ENTRY = "scorer/sandbox/sandbox-entry.ts";

/**
 * The runtime of one sandbox run. Not kept for the life of the process: each call checks the
 * bundle against its sources (stats only, a few ms) and gets a current file, so a bundle that
 * another process replaced or pruned is rebuilt rather than missing.
 */
export async function prepareSandboxRuntime(projectRoot = findProjectRoot()): Promise<SandboxRuntime> {
  const bundle = await bundleWorkerEntry({
    entry: SANDBOX_ENTRY,
    root: projectRoot,
    bundlePackages: true,
    external: ["onnxruntime-node", "@tensorflow/tfjs-node"],
    // ESM builds of tfjs: one copy of tfjs-core for core, layers, converter, wasm and chained ops.
    mainFields: ["module", "main"],
  });
  const entryFile = bundle.file;

  const req = createRequire(path.join(projectRoot, "package.json"));
  const wasmDir = path.join(packageDir(req.resolve("@tensorflow/tfjs-backend-wasm")), "dist");
  const wasmFiles = fs
    .readdirSync(wasmDir)
    .filter((f) => f.endsWith(".wasm"))
    .map((f) => path.join(wasmDir, f));
  const ortModule = req.resolve("onnxruntime-node");
  const ortDir = packageDir(ortModule);
  const commonDir = packageDir(createRequire(path.join(ortDir, "package.json")).resolve("onnxruntime-common"));
  let tfjsNode: SandboxRuntime["tfjsNode"];
  try {
    const mainModule = req.resolve("@tensorflow/tfjs-node");
    tfjsNode = { module: mainModule, nodeModulesDir: path.dirname(path.dirname(packageDir(mainModule))) };
  } catch {
    tfjsNode = undefined;
  }
  return { entryFile, wasmDir, wasmFiles, ortModule, ortDirs: [ortDir, commonDir], tfjsNode };
}

/** The folder of the package owning `file` (the nearest folder with a package.json naming it). */
function packageDir(file: string): string {
  let dir = path.dirname(file);
  for (;;) {
    const pj = path.join(dir, "package.json");
    if (fs.existsSync(pj) && typeof JSON.parse(fs.readFileSync(pj, "utf8")).name === "string") return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${file}`);
    dir = parent;
  }
}

/**
 * The project folder, found from the working directory (not __dirname: this module may be
 * bundled by Next.js, where __dirname is not the source folder).
 */
export function findProjectRoot(start = process.cwd()): string {
  let dir = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(dir, SANDBOX_ENTRY))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find scorer/sandbox/sandbox-entry.ts in ${start} or above: run from the project folder`);
    dir = parent;
  }
}
