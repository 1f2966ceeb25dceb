import fs from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";

/**
 * The files of the downloadable starter kit, by their path inside the kit folder.
 *
 * starter-kit/ holds the kit's own sources. Its `src/platform.ts` re-exports the platform code
 * the kit runs on (the tfjs backend choice with our wasm training kernels, the challenge
 * definition, the metric code) from this repository's lib/, so inside the repository the kit is
 * type-checked with everything else and can never drift from it. The download cannot reach lib/,
 * so here the files that platform.ts needs (and everything they import, followed through relative
 * imports) are copied to `src/platform/<path under lib>`, and platform.ts is pointed at them.
 *
 * Refused, with the file named: a copied file importing something outside lib/, an `@/` alias,
 * or a package the kit's package.json does not depend on. Those would only fail on a
 * participant's machine, after `npm install`.
 */

export const KIT_DIR_NAME = "starter-kit";
/** The kit file whose `../../lib/` imports are rewritten to the copies. */
export const PLATFORM_SHIM = "src/platform.ts";
const LIB_PREFIX = "../../lib/";
const COPY_PREFIX = "./platform/";
/** Top-level folders of a kit checkout that are not part of the kit (an install, the data, outputs). */
const SKIPPED_DIRS = new Set(["node_modules", "data", "out"]);

export class StarterKitError extends Error {}

export interface StarterKitFiles {
  /** Path inside the kit (posix) -> content. Sorted by path. */
  files: Map<string, Buffer>;
  /** lib/ files copied into src/platform/, relative to lib/. */
  platformFiles: string[];
}

export function collectStarterKitFiles(options: { projectRoot: string }): StarterKitFiles {
  const kitDir = path.join(options.projectRoot, KIT_DIR_NAME);
  const libDir = path.join(options.projectRoot, "lib");
  if (!fs.existsSync(path.join(kitDir, PLATFORM_SHIM))) throw new StarterKitError(`${path.join(kitDir, PLATFORM_SHIM)} is missing`);
  const packageJson = JSON.parse(fs.readFileSync(path.join(kitDir, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  const dependencies = new Set(Object.keys(packageJson.dependencies ?? {}));

  const files = new Map<string, Buffer>();
  for (const rel of listKitFiles(kitDir, "")) files.set(rel, fs.readFileSync(path.join(kitDir, rel)));

  // Kit sources: every package they import must be a runtime dependency of the kit.
  for (const [rel, data] of files) {
    if (!rel.endsWith(".ts")) continue;
    for (const spec of importSpecifiers(data.toString("utf8"))) {
      if (rel === PLATFORM_SHIM && spec.startsWith(LIB_PREFIX)) continue;
      checkPackageImport({ spec, from: `${KIT_DIR_NAME}/${rel}`, dependencies });
    }
  }

  // The closure of lib/ files the shim imports.
  const shim = files.get(PLATFORM_SHIM)!.toString("utf8");
  const queue = importSpecifiers(shim)
    .filter((s) => s.startsWith(LIB_PREFIX))
    .map((s) => resolveTs(path.join(libDir, s.slice(LIB_PREFIX.length)), `${KIT_DIR_NAME}/${PLATFORM_SHIM}`));
  const copied = new Set<string>();
  while (queue.length) {
    const file = queue.pop()!;
    const relToLib = path.relative(libDir, file).split(path.sep).join("/");
    if (relToLib.startsWith(".."))
      throw new StarterKitError(`${path.relative(options.projectRoot, file)} is outside lib/ and cannot be copied into the starter kit`);
    if (copied.has(relToLib)) continue;
    copied.add(relToLib);
    const text = fs.readFileSync(file, "utf8");
    for (const spec of importSpecifiers(text)) {
      if (spec.startsWith(".")) queue.push(resolveTs(path.resolve(path.dirname(file), spec), `lib/${relToLib}`));
      else checkPackageImport({ spec, from: `lib/${relToLib}`, dependencies });
    }
    const header = `// Copied from the Tiny Portraits platform (lib/${relToLib}) when this kit was downloaded.\n`;
    files.set(`src/platform/${relToLib}`, Buffer.from(header + text));
  }
  files.set(PLATFORM_SHIM, Buffer.from(shim.split(`"${LIB_PREFIX}`).join(`"${COPY_PREFIX}`)));

  const sorted = new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { files: sorted, platformFiles: [...copied].sort() };
}

function listKitFiles(root: string, rel: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const child = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      const skipped = (rel === "" && SKIPPED_DIRS.has(e.name)) || e.name === "__pycache__" || e.name === "node_modules";
      if (!skipped) out.push(...listKitFiles(root, child));
    } else if (e.isFile()) {
      out.push(child);
    }
  }
  return out;
}

/** Module specifiers of static imports/exports and dynamic imports (comments are not parsed out: keep import-like text out of them). */
export function importSpecifiers(source: string): string[] {
  const out: string[] = [];
  const patterns = [
    /(?:^|[\s;])(?:import|export)\s[^'"`;]*?\sfrom\s*["']([^"']+)["']/g,
    /(?:^|[\s;])import\s*["']([^"']+)["']/g,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const re of patterns) for (const m of source.matchAll(re)) out.push(m[1]);
  return [...new Set(out)];
}

function resolveTs(base: string, from: string): string {
  for (const candidate of [`${base}.ts`, path.join(base, "index.ts"), base]) {
    if (candidate.endsWith(".ts") && fs.existsSync(candidate)) return candidate;
  }
  throw new StarterKitError(`${from}: cannot resolve the import of ${base}`);
}

function checkPackageImport(options: { spec: string; from: string; dependencies: Set<string> }): void {
  const { spec, from } = options;
  if (spec.startsWith(".")) return;
  if (spec.startsWith("node:") || builtinModules.includes(spec)) return;
  if (spec.startsWith("@/"))
    throw new StarterKitError(`${from} imports "${spec}": the "@/" alias does not exist in the starter kit; use a relative import`);
  const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
  if (options.dependencies.has(name)) return;
  throw new StarterKitError(`${from} imports "${spec}", which is not a dependency in ${KIT_DIR_NAME}/package.json`);
}
