import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Plugin } from "esbuild";
import { projectRoot } from "../db/paths";

/**
 * The one way code of this project runs in another thread or process: its entry (a real
 * TypeScript module) is bundled by esbuild into one CommonJS file, and Node runs that file.
 * Plain Node loads it the same under tsx, vitest and the production server: no loader hooks to
 * register in the child (Node 20 does not pass `--import tsx` on to worker threads), no source
 * text shipped through `eval`, no tsx in a sandbox that may read only a few files.
 *
 * Built once, reused across processes: the bundle is named by the hash of its content and a
 * manifest (named by the hash of the build options) records every input file with its size,
 * mtime and content hash. A later call only stats the inputs; a changed input (content, not a
 * mere touch) rebuilds. Writers put files under a temporary name and rename them, so processes
 * building the same entry at once (vitest forks) never see half a file.
 *
 * By default only the project's own sources are bundled and dependencies load from
 * node_modules as usual (`packages: "external"`): the cache folder lives in
 * node_modules/.cache, so `require("sharp")` from the bundle resolves as it would from the
 * sources, and native addons (sharp, better-sqlite3, onnxruntime-node, @node-rs/argon2) and
 * packages that find their files next to themselves (tfjs-backend-wasm's .wasm) keep working.
 * Project files that are already JavaScript (the generated Prisma clients, which read their
 * query-compiler .wasm from `__dirname`) are required at their absolute path, never copied.
 * `bundlePackages: true` pulls dependencies in too (the model sandbox: see
 * scorer/sandbox/build-sandbox-entry.ts), except the `external` ones.
 */

export interface BundleWorkerEntryOptions {
  /** The entry module: absolute, or relative to `root`. */
  entry: string;
  /** The project folder (default: found from the working directory, see lib/db/paths.ts). */
  root?: string;
  /** Where bundles are kept (default: <root>/node_modules/.cache/tp-workers). */
  cacheDir?: string;
  /** Bundle dependencies too (default false: they load from node_modules). */
  bundlePackages?: boolean;
  /** Packages left outside the bundle when `bundlePackages` is on. */
  external?: string[];
  /** esbuild mainFields, e.g. ["module", "main"] to bundle one ESM copy of a package family. */
  mainFields?: string[];
}

export interface WorkerBundle {
  /** The bundled CommonJS file. */
  file: string;
  /** Content hash of the bundle (also in its file name). */
  hash: string;
  /** False when this call ran esbuild. */
  reused: boolean;
  /** Time this call took (validation, or the build). */
  ms: number;
}

/** Bumped when the bundling below changes in a way the options do not show. */
const BUNDLER_REVISION = 1;
const DEFAULT_CACHE = path.join("node_modules", ".cache", "tp-workers");
/** Bundles and manifests of an entry nobody has rebuilt for this long are removed. */
const STALE_MS = 7 * 24 * 3600 * 1000;

interface InputRecord {
  size: number;
  mtimeMs: number;
  sha256: string;
}

interface Manifest {
  bundle: string;
  inputs: Record<string, InputRecord>;
}

/** Builds in flight in this process, so concurrent starts of one pool share one esbuild run. */
const inFlight = new Map<string, Promise<WorkerBundle>>();

export function bundleWorkerEntry(options: BundleWorkerEntryOptions): Promise<WorkerBundle> {
  try {
    return bundleOnce(options);
  } catch (e) {
    // No project folder, no cache folder: callers fall back the same way as on a failed build.
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
}

function bundleOnce(options: BundleWorkerEntryOptions): Promise<WorkerBundle> {
  const root = path.resolve(options.root ?? projectRoot());
  const entry = path.resolve(root, options.entry);
  const settings = {
    entry: path.relative(root, entry),
    root,
    bundlePackages: options.bundlePackages ?? false,
    external: [...(options.external ?? [])].sort(),
    mainFields: options.mainFields ?? null,
    node: process.versions.node.split(".")[0],
    revision: BUNDLER_REVISION,
  };
  const key = sha256(JSON.stringify(settings)).slice(0, 16);
  const name = path.basename(entry).replace(/\.[cm]?[jt]sx?$/, "");
  const cacheDir = options.cacheDir ? path.resolve(options.cacheDir) : writableCacheDir(path.join(root, DEFAULT_CACHE));
  fs.mkdirSync(cacheDir, { recursive: true });
  const manifestFile = path.join(cacheDir, `${name}-${key}.json`);

  const running = inFlight.get(manifestFile);
  if (running) return running;
  const job = (async (): Promise<WorkerBundle> => {
    const t0 = performance.now();
    const reusable = reusableBundle(manifestFile, root, cacheDir);
    if (reusable) return { file: reusable.file, hash: reusable.hash, reused: true, ms: performance.now() - t0 };
    const built = await build({ root, entry, name, cacheDir, manifestFile, settings });
    return { ...built, reused: false, ms: performance.now() - t0 };
  })().finally(() => inFlight.delete(manifestFile));
  inFlight.set(manifestFile, job);
  return job;
}

function reusableBundle(manifestFile: string, root: string, cacheDir: string): { file: string; hash: string } | undefined {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as Manifest;
  } catch {
    return undefined;
  }
  const file = path.join(cacheDir, manifest.bundle);
  if (!fs.existsSync(file)) return undefined;
  for (const [rel, was] of Object.entries(manifest.inputs)) {
    let st: fs.Stats;
    try {
      st = fs.statSync(path.join(root, rel));
    } catch {
      return undefined;
    }
    if (st.size === was.size && st.mtimeMs === was.mtimeMs) continue;
    // Touched (a checkout, a formatter that changed nothing): the content decides.
    if (st.size !== was.size || sha256(fs.readFileSync(path.join(root, rel))) !== was.sha256) return undefined;
  }
  return { file, hash: manifest.bundle.replace(/^.*-([0-9a-f]+)\.cjs$/, "$1") };
}

async function build(o: {
  root: string;
  entry: string;
  name: string;
  cacheDir: string;
  manifestFile: string;
  settings: { bundlePackages: boolean; external: string[]; mainFields: string[] | null };
}): Promise<{ file: string; hash: string }> {
  // Loaded on first use only: the web server never bundles, and Next.js must not trace esbuild.
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    absWorkingDir: o.root,
    entryPoints: [o.entry],
    bundle: true,
    write: false,
    metafile: true,
    platform: "node",
    target: `node${process.versions.node.split(".")[0]}`,
    format: "cjs",
    ...(o.settings.bundlePackages ? { external: o.settings.external } : { packages: "external" as const }),
    ...(o.settings.mainFields ? { mainFields: o.settings.mainFields } : {}),
    alias: { "@": o.root },
    plugins: [projectJavaScriptInPlace(o.root)],
    logLevel: "silent",
    legalComments: "none",
  });
  const code = result.outputFiles[0].contents;
  const hash = sha256(code).slice(0, 16);
  const bundleName = `${o.name}-${hash}.cjs`;
  const file = path.join(o.cacheDir, bundleName);

  const inputs: Record<string, InputRecord> = {};
  // The tsconfig decides the `@/` alias and how sources compile, package.json the dependencies.
  const rels = [...Object.keys(result.metafile.inputs), "tsconfig.json", "package.json"];
  for (const rel of rels) {
    const abs = path.resolve(o.root, rel);
    if (!fs.existsSync(abs)) continue; // esbuild's virtual inputs
    const st = fs.statSync(abs);
    inputs[path.relative(o.root, abs)] = { size: st.size, mtimeMs: st.mtimeMs, sha256: sha256(fs.readFileSync(abs)) };
  }
  if (!fs.existsSync(file)) writeAtomically(file, code);
  writeAtomically(o.manifestFile, JSON.stringify({ bundle: bundleName, inputs } satisfies Manifest));
  pruneStale(o.cacheDir, o.name, [bundleName, path.basename(o.manifestFile)]);
  return { file, hash };
}

/**
 * Relative imports that land on a project JavaScript file stay outside the bundle, at their
 * absolute path: such files are generated (the Prisma clients) and find their neighbours
 * through `__dirname`, which inside a bundle would be the cache folder.
 */
function projectJavaScriptInPlace(root: string): Plugin {
  return {
    name: "project-javascript-in-place",
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, async (args) => {
        // Inside packages (thousands of imports when they are bundled): nothing of ours.
        if (args.pluginData === "inner" || args.resolveDir.split(path.sep).includes("node_modules")) return undefined;
        const r = await b.resolve(args.path, {
          resolveDir: args.resolveDir,
          kind: args.kind,
          importer: args.importer,
          pluginData: "inner",
        });
        if (r.errors.length > 0 || !r.path) return undefined;
        const rel = path.relative(root, r.path);
        const inProject = !rel.startsWith("..") && !path.isAbsolute(rel) && !rel.split(path.sep).includes("node_modules");
        if (inProject && /\.[cm]?js$/.test(r.path)) return { path: r.path, external: true };
        return { path: r.path, sideEffects: r.sideEffects };
      });
    },
  };
}

function writeAtomically(file: string, data: string | Uint8Array): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  fs.writeFileSync(tmp, data, { mode: 0o644 });
  fs.renameSync(tmp, file);
}

/**
 * Removes this entry's bundles and manifests that no build has written for a week. A process
 * still holding such a path loses nothing: every start goes through bundleWorkerEntry again,
 * which rebuilds a missing file.
 */
function pruneStale(dir: string, name: string, keep: string[]): void {
  const now = Date.now();
  for (const f of fs.readdirSync(dir)) {
    if (keep.includes(f) || !new RegExp(`^${escapeRegExp(name)}-[0-9a-f]{16}\\.(cjs|json)$`).test(f)) continue;
    try {
      if (now - fs.statSync(path.join(dir, f)).mtimeMs > STALE_MS) fs.rmSync(path.join(dir, f), { force: true });
    } catch {
      // Removed by another process meanwhile.
    }
  }
}

/**
 * The cache folder, created when missing. A read-only install (node_modules owned by another
 * user) falls back to a private folder of this user under the temp folder; it must be ours and
 * closed to others, or another local user could plant a bundle there.
 */
function writableCacheDir(preferred: string): string {
  try {
    fs.mkdirSync(preferred, { recursive: true, mode: 0o755 });
    fs.accessSync(preferred, fs.constants.W_OK);
    return preferred;
  } catch {
    const uid = typeof process.getuid === "function" ? process.getuid() : 0;
    const dir = path.join(os.tmpdir(), `tp-workers-${uid}`);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = fs.lstatSync(dir);
    if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o022) !== 0) {
      throw new Error(`cannot bundle workers: ${preferred} is not writable and ${dir} is not a private folder of this user`);
    }
    return dir;
  }
}

function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
