import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import {
  IMAGE_BYTES,
  IMAGE_CHANNELS,
  IMAGE_HEIGHT,
  IMAGE_WIDTH,
  type GenderLabel,
  type HairColorLabel,
  type HairTypeLabel,
} from "@/lib/challenge/definition";
import { DEFAULT_MODEL_BUNDLE_LIMITS } from "@/lib/models/limits";
import { MANIFEST_FILE_NAME, parseManifest, type Manifest } from "@/lib/models/manifest";
import { buildSandboxCommand, MASK_FAILED_EXIT, SANDBOX_UID, type SandboxCommand, type SandboxWalls } from "./build-sandbox-command";
import { prepareSandboxRuntime, type SandboxRuntime } from "./build-sandbox-entry";
import { CappedLog } from "./capped-log";
import { classifySandboxExit, type SandboxExit } from "./classify-sandbox-exit";
import { detectSandboxWalls } from "./detect-sandbox-walls";
import type { GenerateConfig, SandboxBackend, SandboxConfig, SandboxFailureReason, SandboxProbe } from "./protocol";
import { SandboxResultReader, type ProbeOutcome } from "./read-sandbox-results";
import { sanitiseHostPaths } from "./sanitise-host-paths";

export type { ProbeOutcome } from "./read-sandbox-results";

/**
 * Runs a participant's model on the test images in a separate, locked-down process and returns
 * its predictions. The walls (see docs/decisions/0003-model-sandbox.md):
 *
 * - OS walls (build-sandbox-command.ts, detect-sandbox-walls.ts): under bubblewrap a filesystem
 *   built from nothing but the system's /usr, Node, the runtime files, the bundle and test.u8;
 *   new PID, network, IPC and UTS namespaces; as root the child then drops to uid 65534 with no
 *   capabilities and no-new-privs. Where the OS cannot give that, `stats.isolation` says so.
 * - Node permission model: the child may read its own bundled script, the trusted runtime files
 *   (tfjs wasm binaries, onnxruntime-node), the model bundle and test.u8. No writes, no child
 *   processes.
 * - rlimits via prlimit: RLIMIT_DATA caps memory (RLIMIT_AS cannot: V8 and wasm reserve ~10 GB
 *   of address space up front), RLIMIT_CPU caps CPU seconds (SIGXCPU), core dumps and file
 *   writes (RLIMIT_FSIZE=0) are off even for native code.
 * - A wall-clock timer in this process that SIGKILLs the child's process group.
 * - The environment is emptied (no secrets from ours), the working folder is the bundle.
 * - Results come back on a separate pipe (read-sandbox-results.ts), size-capped and validated
 *   here: exactly one prediction per test image, class indices in range. stdout/stderr are only
 *   a capped log.
 */

export interface SandboxLimits {
  /** RLIMIT_DATA of the child, in MiB. */
  memoryMb: number;
  /** CPU seconds (all threads together). */
  cpuSeconds: number;
  /** Wall-clock seconds from spawn to the last prediction. */
  wallSeconds: number;
  /** Threads for inference: onnxruntime intra-op threads, or tfjs wasm worker threads. */
  threads: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = { memoryMb: 2048, cpuSeconds: 1200, wallSeconds: 900, threads: 2 };

export interface ImagePrediction {
  Gender: GenderLabel;
  Hair_Color: HairColorLabel;
  Hair_Type: HairTypeLabel;
}

export interface SandboxStats {
  images: number;
  /** Inference seconds, from the first batch to the last prediction. */
  seconds: number;
  imagesPerSecond: number;
  backend: string;
  /** Seconds to load the model inside the child. */
  loadSeconds: number;
  /** Seconds from spawn until the child was ready to load the model (process + runtime start). */
  startupSeconds: number;
  totalSeconds: number;
  /**
   * "full" when every OS wall held (bubblewrap as root), otherwise "partial: <why>". The
   * permission model and the rlimits always apply.
   */
  isolation: string;
}

export type RunModelInSandboxResult =
  | { ok: true; predictions: Map<string, ImagePrediction>; log: string; stats: SandboxStats; probes: ProbeOutcome[] }
  | { ok: false; reason: SandboxFailureReason; message: string; log: string; probes: ProbeOutcome[] };

export interface RunModelInSandboxOptions {
  /** An extracted bundle (extractModelBundle): manifest.json plus the model files. */
  bundleDir: string;
  /** `<build>/cache`, holding test.u8 and test.json. Only test.u8 is visible to the child. */
  testCacheDir: string;
  limits?: Partial<SandboxLimits>;
  /** Receives the child's output as it arrives (capped like the returned log). */
  onLog?: (text: string) => void;
  /**
   * Folders to hide from the child even from native code. Under bubblewrap nothing of the host
   * is visible unless bound, so these matter only where a system folder would show them, or with
   * the older unshare wrapper (empty tmpfs over them). The `hidden/` folder next to
   * `testCacheDir` is always added when it exists. Must not contain the bundle or the test cache.
   */
  maskPaths?: string[];
  /** Test-only: file/process/network operations the child attempts first (they must fail). */
  probes?: SandboxProbe[];
  /** Called once the child has loaded the model, with the pid of the wrapper process we started. */
  onReady?: (info: { pid: number }) => void;
  /**
   * Aborting kills the child at once and makes the call reject (a platform event, e.g. the
   * worker releasing its job at shutdown; it is not the participant's failure).
   */
  signal?: AbortSignal;
  projectRoot?: string;
}

const testCacheSchema = z.object({
  count: z.number().int().min(1),
  height: z.literal(IMAGE_HEIGHT),
  width: z.literal(IMAGE_WIDTH),
  channels: z.literal(IMAGE_CHANNELS),
  ids: z.array(z.string().min(1)),
});

export async function runModelInSandbox(options: RunModelInSandboxOptions): Promise<RunModelInSandboxResult> {
  const planned = await planSandboxRun(options);
  if (!planned.ok) return { ok: false, reason: "model-error", message: planned.message, log: "", probes: [] };
  const { config, runtime, manifest, ids, walls, limits } = planned.plan;
  const command = planned.plan.commandFor(nodeCommand(config, runtime, limits));

  const outcome = await superviseSandbox({
    command,
    cwd: config.bundleDir,
    count: ids.length,
    classCounts: [
      manifest.outputs.Gender.classes.length,
      manifest.outputs.Hair_Color.classes.length,
      manifest.outputs.Hair_Type.classes.length,
    ],
    wallSeconds: limits.wallSeconds,
    onLog: options.onLog,
    onReady: options.onReady,
    signal: options.signal,
  });
  const { reader, log } = outcome;
  const verdict = classifySandboxExit({
    exit: outcome.exit,
    signalsAsExitCodes: walls.wrapper === "bubblewrap",
    killedFor: outcome.killedFor,
    setupFailure: setupFailure(walls, outcome.exit, reader, log),
    violation: reader.violation,
    childError: reader.childError,
    done: reader.done !== undefined,
    filledCount: reader.filledCount,
    count: ids.length,
    limits,
    totalSeconds: outcome.totalSeconds,
    logTail: log.tail(),
  });
  if (verdict.kind === "platform-error") throw new Error(verdict.message);
  // The participant reads both: no host paths in them (the bundle's temp folder, /proc/<pid>/...).
  const hostPaths = [
    { path: config.bundleDir, as: "" },
    { path: config.imagesFile, as: "test.u8" },
  ];
  const text = sanitiseHostPaths(log.text(), hostPaths);
  if (verdict.kind === "failed")
    return { ok: false, reason: verdict.reason, message: sanitiseHostPaths(verdict.message, hostPaths), log: text, probes: reader.probes };

  const predictions = new Map<string, ImagePrediction>();
  const idx = reader.indices;
  for (let i = 0; i < ids.length; i++) {
    predictions.set(ids[i], {
      Gender: manifest.outputs.Gender.classes[idx[i * 3]] as GenderLabel,
      Hair_Color: manifest.outputs.Hair_Color.classes[idx[i * 3 + 1]] as HairColorLabel,
      Hair_Type: manifest.outputs.Hair_Type.classes[idx[i * 3 + 2]] as HairTypeLabel,
    });
  }
  const seconds = reader.done!.seconds;
  const ready = reader.ready;
  return {
    ok: true,
    predictions,
    log: text,
    probes: reader.probes,
    stats: {
      images: ids.length,
      seconds,
      imagesPerSecond: seconds > 0 ? ids.length / seconds : Infinity,
      backend: ready?.backend ?? config.backend,
      loadSeconds: ready?.loadSeconds ?? 0,
      startupSeconds: ready ? Math.max(0, (reader.readyAt - outcome.started) / 1000 - ready.loadSeconds) : 0,
      totalSeconds: outcome.totalSeconds,
      isolation: walls.isolation,
    },
  };
}

export interface SandboxRunPlan {
  config: SandboxConfig;
  runtime: SandboxRuntime;
  manifest: Manifest;
  ids: string[];
  walls: SandboxWalls;
  limits: SandboxLimits;
  /**
   * The full command line that runs `inner` in this run's sandbox: same walls, same mounts, same
   * limits. The scorer passes the Node child; the escape tests pass a shell (plus the script
   * itself in `extraReadOnlyPaths`) to act as native code that took over the child.
   */
  commandFor(inner: string[], extraReadOnlyPaths?: string[]): SandboxCommand;
}

/** Everything about a run that is decided before the child starts. */
export async function planSandboxRun(
  options: RunModelInSandboxOptions,
): Promise<{ ok: true; plan: SandboxRunPlan } | { ok: false; message: string }> {
  const limits = { ...DEFAULT_SANDBOX_LIMITS, ...options.limits };
  const bundleDir = fs.realpathSync(options.bundleDir);
  const parsed = parseManifest(fs.readFileSync(path.join(bundleDir, MANIFEST_FILE_NAME), "utf8"));
  if (!parsed.ok) return { ok: false, message: parsed.errors.join("\n") };
  const manifest = parsed.manifest;
  const { ids, imagesFile } = readTestCache(options.testCacheDir);

  const runtime = await prepareSandboxRuntime(options.projectRoot);
  const backend: SandboxBackend = manifest.format === "onnx" ? "onnxruntime" : runtime.tfjsNode ? "tfjs-node" : "tfjs-wasm";
  const config: SandboxConfig = {
    bundleDir,
    manifest,
    imagesFile,
    count: ids.length,
    threads: Math.max(1, Math.floor(limits.threads)),
    backend,
    wasmDir: runtime.wasmDir,
    ortModule: runtime.ortModule,
    tfjsNodeModule: runtime.tfjsNode?.module,
    checkLimits: CHILD_CHECK_LIMITS,
    probes: options.probes,
  };
  const { walls, readOnlyPaths, maskPaths } = prepareSandboxWalls({
    config,
    runtime,
    bundleDir,
    maskCandidates: [path.join(options.testCacheDir, "..", "hidden"), ...(options.maskPaths ?? [])],
  });
  const commandFor = (inner: string[], extraReadOnlyPaths: string[] = []) =>
    buildSandboxCommand({
      walls,
      command: inner,
      readOnlyPaths: [...readOnlyPaths, ...extraReadOnlyPaths],
      maskPaths,
      cwd: bundleDir,
      limits,
    });
  return { ok: true, plan: { config, runtime, manifest, ids, walls, limits, commandFor } };
}

/**
 * Everything of the host the child may see, read-only: Node itself, the bundled child script,
 * the runtime files of its backend, the model bundle and test.u8. The same list becomes both the
 * bubblewrap binds and Node's `--allow-fs-read` grants.
 */
export function sandboxReadOnlyPaths(config: ChildPaths, runtime: SandboxRuntime): string[] {
  const paths = [process.execPath, runtime.entryFile, ...childReads(config, runtime)];
  return [...new Set(paths.map((p) => fs.realpathSync(p)))];
}

/** The checks the child re-runs on the bytes it loads (both modes). */
export const CHILD_CHECK_LIMITS = {
  maxNodes: DEFAULT_MODEL_BUNDLE_LIMITS.maxNodes,
  maxDepth: DEFAULT_MODEL_BUNDLE_LIMITS.maxDepth,
  maxTensorBytes: DEFAULT_MODEL_BUNDLE_LIMITS.maxTensorBytes,
};

/** What decides the child's file grants: its bundle, test.u8 (predict mode only) and its backend. */
type ChildPaths = Pick<SandboxConfig, "bundleDir" | "backend"> & { imagesFile?: string };

function childReads(config: ChildPaths, runtime: SandboxRuntime): string[] {
  return [config.bundleDir, ...(config.imagesFile ? [config.imagesFile] : []), ...backendPaths(config, runtime)];
}

function backendPaths(config: ChildPaths, runtime: SandboxRuntime): string[] {
  if (config.backend === "onnxruntime") return runtime.ortDirs;
  if (config.backend === "tfjs-wasm") return runtime.wasmFiles;
  // tfjs-node pulls in its own tfjs packages: grant node_modules (never the project root).
  return [runtime.tfjsNode!.nodeModulesDir];
}

/** The Node command line of the child, under the permission model. */
export function nodeCommand(config: SandboxConfig | GenerateConfig, runtime: SandboxRuntime, limits: SandboxLimits): string[] {
  const reads = [runtime.entryFile, ...childReads(config, runtime)];
  // No eval/new Function: neither tfjs, its wasm glue nor onnxruntime needs them, and nothing in
  // a model should ever become code.
  const args = ["--experimental-permission", "--no-warnings", "--disallow-code-generation-from-strings"];
  if (config.backend === "tfjs-wasm") args.push("--allow-worker");
  else args.push("--allow-addons");
  for (const r of reads) args.push(`--allow-fs-read=${fs.realpathSync(r)}`);
  // The JS heap gets part of the data limit; the rest is for tensors (malloc, wasm memory).
  args.push(`--max-old-space-size=${Math.max(96, Math.min(2048, Math.floor(limits.memoryMb / 2)))}`);
  return [process.execPath, ...args, runtime.entryFile, JSON.stringify(config)];
}

/**
 * What every sandbox run sets up before its command is built: prlimit on the PATH, the walls
 * this machine offers, the paths the child reads (opened up to it under bubblewrap as root) and
 * the existing folders among `maskCandidates` to hide from it.
 */
export function prepareSandboxWalls(options: {
  config: ChildPaths;
  runtime: SandboxRuntime;
  bundleDir: string;
  maskCandidates: string[];
}): { walls: SandboxWalls; readOnlyPaths: string[]; maskPaths: string[] } {
  checkPrlimit();
  const walls = detectSandboxWalls();
  const readOnlyPaths = sandboxReadOnlyPaths(options.config, options.runtime);
  openBundleToChild(walls, options.bundleDir, readOnlyPaths);
  return { walls, readOnlyPaths, maskPaths: resolveMaskPaths(options.maskCandidates, readOnlyPaths) };
}

/**
 * Under bubblewrap as root the child runs as uid 65534: the extracted bundle (ours, possibly
 * written under umask 077) is opened up to it; anything else it needs must already be readable.
 */
export function openBundleToChild(walls: SandboxWalls, bundleDir: string, readOnlyPaths: string[]): void {
  if (walls.wrapper !== "bubblewrap" || !walls.asRoot) return;
  makeWorldReadable(bundleDir);
  for (const p of readOnlyPaths) if (p !== bundleDir) assertWorldReadable(p);
}

/** The existing folders among `candidates`, resolved; none may contain a path the child needs. */
export function resolveMaskPaths(candidates: string[], needed: string[]): string[] {
  const out: string[] = [];
  for (const c of candidates) {
    if (!fs.existsSync(c)) continue;
    const real = fs.realpathSync(c);
    // tmpfs mounts go over folders; a secret file should live in a masked folder.
    if (!fs.statSync(real).isDirectory()) throw new Error(`maskPaths: ${c} is not a folder`);
    for (const n of needed) {
      const rel = path.relative(real, n);
      if (!rel.startsWith("..") && !path.isAbsolute(rel)) throw new Error(`maskPaths: ${c} contains ${n}, which the sandbox needs`);
    }
    if (!out.includes(real)) out.push(real);
  }
  return out;
}

/** Folders 0755 and files 0644 throughout the extracted bundle (symlinks were refused at extraction). */
export function makeWorldReadable(dir: string): void {
  fs.chmodSync(dir, 0o755);
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) makeWorldReadable(p);
    else if (d.isFile()) fs.chmodSync(p, 0o644);
  }
}

/** A platform fault, named, rather than the participant's model failing to load. */
export function assertWorldReadable(p: string): void {
  const mode = fs.statSync(p).mode;
  const needed = fs.statSync(p).isDirectory() ? 0o005 : 0o004;
  if ((mode & needed) !== needed) {
    throw new Error(
      `the sandbox runs models as uid ${SANDBOX_UID}, which cannot read ${p} (mode ${(mode & 0o777).toString(8)}): make it readable by others (chmod o+r${needed === 0o005 ? "x" : ""})`,
    );
  }
}

function readTestCache(dir: string): { ids: string[]; imagesFile: string } {
  const meta = testCacheSchema.parse(JSON.parse(fs.readFileSync(path.join(dir, "test.json"), "utf8")));
  if (meta.ids.length !== meta.count) throw new Error(`test.json lists ${meta.ids.length} ids for ${meta.count} images`);
  if (new Set(meta.ids).size !== meta.ids.length) throw new Error("test.json has duplicate ids");
  const imagesFile = fs.realpathSync(path.join(dir, "test.u8"));
  const size = fs.statSync(imagesFile).size;
  if (size !== meta.count * IMAGE_BYTES) throw new Error(`test.u8 is ${size} bytes; ${meta.count} images need ${meta.count * IMAGE_BYTES}`);
  return { ids: meta.ids, imagesFile };
}

export function checkPrlimit(): void {
  const r = spawnSync("prlimit", ["--version"], { stdio: "ignore" });
  if (r.status !== 0) throw new Error("the model sandbox needs prlimit (util-linux) on the PATH to cap memory and CPU");
}

/**
 * The wrappers failed before the model was touched (nothing came back on the result channel):
 * the unshare mask script's own exit code, or bubblewrap/setpriv/prlimit complaining on the
 * first line of the output, before Node could print anything.
 */
function setupFailure(walls: SandboxWalls, exit: SandboxExit, reader: SandboxResultReader, log: CappedLog): string | undefined {
  if (exit.code === 0 || reader.ready || reader.probes.length > 0 || reader.childError) return undefined;
  const start = log.start();
  if (walls.wrapper === "unshare" && exit.code === MASK_FAILED_EXIT) return start.slice(0, 500);
  if (/^(bwrap|setpriv|prlimit|unshare): /.test(start)) return start.split("\n")[0].slice(0, 500);
  return undefined;
}

interface SuperviseOptions {
  command: SandboxCommand;
  cwd: string;
  count: number;
  classCounts: readonly [number, number, number];
  wallSeconds: number;
  onLog?: (text: string) => void;
  onReady?: (info: { pid: number }) => void;
  signal?: AbortSignal;
}

interface SuperviseOutcome {
  exit: SandboxExit;
  reader: SandboxResultReader;
  log: CappedLog;
  killedFor?: "wall-clock";
  /** performance.now() at spawn. */
  started: number;
  totalSeconds: number;
}

/** Starts the sandbox, feeds its result pipe to the reader, enforces the wall clock and abort. */
async function superviseSandbox(options: SuperviseOptions): Promise<SuperviseOutcome> {
  const started = performance.now();
  const child = spawn(options.command.argv[0], options.command.argv.slice(1), {
    cwd: options.cwd,
    // spawn merges nothing into `env`: the child gets exactly these variables. (Next's typing of
    // ProcessEnv requires NODE_ENV, which the child must not get.)
    env: options.command.env as NodeJS.ProcessEnv,
    stdio: [options.command.stdin ? "pipe" : "ignore", "pipe", "pipe", "pipe"],
    detached: true,
  });
  // An error here (the wrapper died before reading) shows up as its exit status instead.
  child.stdin?.on("error", () => undefined);
  child.stdin?.end(options.command.stdin);
  const kill = () => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      child.kill("SIGKILL");
    }
  };

  const log = new CappedLog(options.onLog);
  child.stdout!.on("data", (b: Buffer) => log.add(b));
  child.stderr!.on("data", (b: Buffer) => log.add(b));
  const reader = new SandboxResultReader({
    count: options.count,
    classCounts: options.classCounts,
    onViolation: kill,
    onReady: () => child.pid && options.onReady?.({ pid: child.pid }),
  });
  (child.stdio[3] as NodeJS.ReadableStream).on("data", (b: Buffer) => reader.push(b));

  let killedFor: "wall-clock" | undefined;
  const timer = setTimeout(() => {
    killedFor = "wall-clock";
    kill();
  }, options.wallSeconds * 1000);
  const abortSignal = options.signal;
  const onAbort = () => kill();
  if (abortSignal?.aborted) kill();
  else abortSignal?.addEventListener("abort", onAbort, { once: true });

  const exit = await new Promise<SandboxExit>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal }));
  }).finally(() => {
    clearTimeout(timer);
    abortSignal?.removeEventListener("abort", onAbort);
  });
  if (abortSignal?.aborted) throw new Error("the sandbox run was cancelled (the scorer is stopping)");
  return { exit, reader, log, killedFor, started, totalSeconds: (performance.now() - started) / 1000 };
}
