import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";

/**
 * The sandbox child runs as one bundled JavaScript file in a private temp folder, so Node's
 * permission model can grant it exactly that file plus a few trusted runtime files, instead of
 * the project folder (which holds DATA_DIR, and with it the hidden labels, by default).
 * tfjs is bundled in; onnxruntime-node (a native addon) and tfjs-node stay outside and are
 * granted by package folder. Built once per process with esbuild (a dependency of tsx).
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

let cached: Promise<SandboxRuntime> | undefined;

export function prepareSandboxRuntime(projectRoot = findProjectRoot()): Promise<SandboxRuntime> {
  cached ??= build(projectRoot).catch((e) => {
    cached = undefined;
    throw e;
  });
  return cached;
}

async function build(projectRoot: string): Promise<SandboxRuntime> {
  const esbuild = await import("esbuild");
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "tp-sandbox-"));
  fs.chmodSync(outDir, 0o755);
  process.once("exit", () => fs.rmSync(outDir, { recursive: true, force: true }));
  const entryFile = path.join(outDir, "sandbox-entry.cjs");
  await esbuild.build({
    absWorkingDir: projectRoot,
    entryPoints: [path.join(projectRoot, "scorer/sandbox/sandbox-entry.ts")],
    outfile: entryFile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    // ESM builds of tfjs: one copy of tfjs-core for core, layers, converter, wasm and chained ops.
    mainFields: ["module", "main"],
    external: ["onnxruntime-node", "@tensorflow/tfjs-node"],
    alias: { "@": projectRoot },
    logLevel: "silent",
    legalComments: "none",
  });

  const req = createRequire(path.join(projectRoot, "package.json"));
  const wasmDir = path.join(packageDir(req.resolve("@tensorflow/tfjs-backend-wasm")), "dist");
  const wasmFiles = fs.readdirSync(wasmDir).filter((f) => f.endsWith(".wasm")).map((f) => path.join(wasmDir, f));
  const ortModule = req.resolve("onnxruntime-node");
  const ortDir = packageDir(ortModule);
  const commonDir = packageDir(createRequire(path.join(ortDir, "package.json")).resolve("onnxruntime-common"));
  let tfjsNode: SandboxRuntime["tfjsNode"];
  try {
    const module = req.resolve("@tensorflow/tfjs-node");
    tfjsNode = { module, nodeModulesDir: path.dirname(path.dirname(packageDir(module))) };
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
    if (fs.existsSync(path.join(dir, "scorer/sandbox/sandbox-entry.ts"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find scorer/sandbox/sandbox-entry.ts in ${start} or above: run from the project folder`);
    dir = parent;
  }
}
