import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import {
  ATTRIBUTES,
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
import { prepareSandboxRuntime, type SandboxRuntime } from "./build-sandbox-entry";
import { MASK_FAILED_EXIT, osIsolation } from "./os-isolation";
import {
  OUT_OF_MEMORY_PATTERN,
  type ChildMessage,
  type SandboxBackend,
  type SandboxConfig,
  type SandboxFailureReason,
  type SandboxProbe,
} from "./protocol";

/**
 * Runs a participant's model on the test images in a separate, locked-down process and returns
 * its predictions. The walls (see docs/decisions/0003-model-sandbox.md):
 *
 * - Node permission model: the child may read its own bundled script, the trusted runtime files
 *   (tfjs wasm binaries, onnxruntime-node), the model bundle and test.u8. Nothing else: not the
 *   project folder, not DATA_DIR, not the hidden labels. No writes, no child processes.
 * - rlimits via prlimit: RLIMIT_DATA caps memory (RLIMIT_AS cannot: V8 and wasm reserve ~10 GB
 *   of address space up front), RLIMIT_CPU caps CPU seconds (SIGXCPU), core dumps and file
 *   writes (RLIMIT_FSIZE=0) are off even for native code.
 * - OS namespaces (os-isolation.ts), for native code the permission model cannot see: no
 *   network interfaces, and the secret folders (the `hidden/` folder beside the test cache, plus
 *   `maskPaths`) covered by an empty tmpfs. As root, or in a user namespace where allowed; if
 *   neither works the run goes ahead and `stats.isolation` says so.
 * - A wall-clock timer in this process that SIGKILLs the child's process group.
 * - The environment is emptied (no secrets from ours), the working folder is the bundle.
 * - Results come back on a separate pipe as JSON lines, size-capped and validated here: exactly
 *   one prediction per test image, class indices in range. stdout/stderr are only a capped log.
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
  /** Which OS walls held for this run (the permission model and rlimits always apply). */
  isolation: { namespaces: "root" | "user-namespace" | "none"; network: boolean; maskedPaths: string[] };
}

export interface ProbeOutcome {
  probe: SandboxProbe;
  outcome: string;
}

export type RunModelInSandboxResult =
  | { ok: true; predictions: Map<string, ImagePrediction>; log: string; stats: SandboxStats; probes: ProbeOutcome[] }
  | { ok: false; reason: SandboxFailureReason; message: string; log: string; probes: ProbeOutcome[] };

export interface RunModelInSandboxOptions {
  /** An extracted bundle (extractModelBundle): manifest.json plus the model files. */
  bundleDir: string;
  /** `<build>/cache`, holding test.u8 and test.json. Only test.u8 is opened by the child. */
  testCacheDir: string;
  limits?: Partial<SandboxLimits>;
  /** Receives the child's output as it arrives (capped like the returned log). */
  onLog?: (text: string) => void;
  /**
   * Folders to hide from the child even from native code (empty tmpfs over them). The `hidden/`
   * folder next to `testCacheDir` is always added when it exists. Must not contain the bundle or
   * the test cache.
   */
  maskPaths?: string[];
  /** Test-only: file/process/network operations the child attempts first (they must fail). */
  probes?: SandboxProbe[];
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

const LOG_HEAD_BYTES = 48 * 1024;
const LOG_TAIL_BYTES = 16 * 1024;
const MAX_RESULT_LINE = 1024 * 1024;

export async function runModelInSandbox(options: RunModelInSandboxOptions): Promise<RunModelInSandboxResult> {
  const limits = { ...DEFAULT_SANDBOX_LIMITS, ...options.limits };
  const bundleDir = fs.realpathSync(options.bundleDir);
  const parsed = parseManifest(fs.readFileSync(path.join(bundleDir, MANIFEST_FILE_NAME), "utf8"));
  if (!parsed.ok) return { ok: false, reason: "model-error", message: parsed.errors.join("\n"), log: "", probes: [] };
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
    checkLimits: {
      maxNodes: DEFAULT_MODEL_BUNDLE_LIMITS.maxNodes,
      maxDepth: DEFAULT_MODEL_BUNDLE_LIMITS.maxDepth,
      maxTensorBytes: DEFAULT_MODEL_BUNDLE_LIMITS.maxTensorBytes,
    },
    probes: options.probes,
  };
  const maskPaths = resolveMaskPaths(options, [bundleDir, imagesFile, runtime.entryFile]);
  return supervise(config, runtime, limits, manifest, ids, maskPaths, options.onLog, options.signal);
}

function resolveMaskPaths(options: RunModelInSandboxOptions, needed: string[]): string[] {
  const candidates = [path.join(options.testCacheDir, "..", "hidden"), ...(options.maskPaths ?? [])];
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

function readTestCache(dir: string): { ids: string[]; imagesFile: string } {
  const meta = testCacheSchema.parse(JSON.parse(fs.readFileSync(path.join(dir, "test.json"), "utf8")));
  if (meta.ids.length !== meta.count) throw new Error(`test.json lists ${meta.ids.length} ids for ${meta.count} images`);
  if (new Set(meta.ids).size !== meta.ids.length) throw new Error("test.json has duplicate ids");
  const imagesFile = fs.realpathSync(path.join(dir, "test.u8"));
  const size = fs.statSync(imagesFile).size;
  if (size !== meta.count * IMAGE_BYTES) throw new Error(`test.u8 is ${size} bytes; ${meta.count} images need ${meta.count * IMAGE_BYTES}`);
  return { ids: meta.ids, imagesFile };
}

function checkPrlimit(): void {
  const r = spawnSync("prlimit", ["--version"], { stdio: "ignore" });
  if (r.status !== 0) throw new Error("the model sandbox needs prlimit (util-linux) on the PATH to cap memory and CPU");
}

function nodeArgs(config: SandboxConfig, runtime: SandboxRuntime, limits: SandboxLimits): string[] {
  const reads = [runtime.entryFile, config.bundleDir, config.imagesFile];
  // No eval/new Function: neither tfjs, its wasm glue nor onnxruntime needs them, and nothing in
  // a model should ever become code.
  const args = ["--experimental-permission", "--no-warnings", "--disallow-code-generation-from-strings"];
  if (config.backend === "onnxruntime") {
    reads.push(...runtime.ortDirs);
    args.push("--allow-addons");
  } else if (config.backend === "tfjs-wasm") {
    reads.push(...runtime.wasmFiles);
    args.push("--allow-worker");
  } else {
    // tfjs-node pulls in its own tfjs packages: grant node_modules (never the project root).
    reads.push(runtime.tfjsNode!.nodeModulesDir);
    args.push("--allow-addons");
  }
  for (const r of reads) args.push(`--allow-fs-read=${fs.realpathSync(r)}`);
  // The JS heap gets part of the data limit; the rest is for tensors (malloc, wasm memory).
  args.push(`--max-old-space-size=${Math.max(96, Math.min(2048, Math.floor(limits.memoryMb / 2)))}`);
  return args;
}

async function supervise(
  config: SandboxConfig,
  runtime: SandboxRuntime,
  limits: SandboxLimits,
  manifest: Manifest,
  ids: string[],
  maskPaths: string[],
  onLog?: (text: string) => void,
  abortSignal?: AbortSignal,
): Promise<RunModelInSandboxResult> {
  checkPrlimit();
  const isolation = osIsolation();
  const masked = isolation.kind === "none" ? [] : maskPaths;
  const cpu = Math.max(1, Math.ceil(limits.cpuSeconds));
  const inner = [
    "prlimit",
    `--data=${Math.floor(limits.memoryMb * 1024 * 1024)}`,
    // Soft limit: SIGXCPU (terminates Node); hard limit a second later: SIGKILL.
    `--cpu=${cpu}:${cpu + 1}`,
    "--core=0",
    "--fsize=0",
    "--",
    // Every wrapper execs, so the scorer stays the sandbox's parent; if the scorer dies (even
    // by SIGKILL) the kernel kills the sandbox too, instead of leaving it to burn CPU up to its
    // limit with nobody waiting. (A JS watchdog cannot do this: inference may block the loop.)
    ...(hasSetpriv() ? ["setpriv", "--pdeathsig", "KILL", "--"] : []),
    process.execPath,
    ...nodeArgs(config, runtime, limits),
    runtime.entryFile,
    JSON.stringify(config),
  ];
  const command = isolation.wrap(inner, masked);

  const started = performance.now();
  const child = spawn(command[0], command.slice(1), {
    cwd: config.bundleDir,
    env: { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", LANG: "C.UTF-8" } as unknown as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe", "pipe"],
    detached: true,
  });

  const log = new CappedLog(onLog);
  child.stdout!.on("data", (b: Buffer) => log.add(b));
  child.stderr!.on("data", (b: Buffer) => log.add(b));

  const count = ids.length;
  const filled = new Uint8Array(count);
  const idx = new Uint8Array(count * 3);
  let filledCount = 0;
  const probes: ProbeOutcome[] = [];
  let ready: Extract<ChildMessage, { t: "ready" }> | undefined;
  let readyAt = 0;
  let done: Extract<ChildMessage, { t: "done" }> | undefined;
  let childError: Extract<ChildMessage, { t: "error" }> | undefined;
  let protocolError: { reason: SandboxFailureReason; message: string } | undefined;
  let killedFor: "wall-clock" | undefined;

  const kill = () => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      child.kill("SIGKILL");
    }
  };
  const violate = (reason: SandboxFailureReason, message: string) => {
    protocolError ??= { reason, message };
    kill();
  };

  const maxResultBytes = count * 64 + 1024 * 1024;
  let resultBytes = 0;
  let pending = "";
  const results = child.stdio[3] as NodeJS.ReadableStream;
  results.on("data", (b: Buffer) => {
    if (protocolError) return;
    resultBytes += b.length;
    if (resultBytes > maxResultBytes) return violate("crashed", "the sandbox sent more result data than the predictions can need");
    pending += b.toString("utf8");
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      handle(line);
    }
    if (pending.length > MAX_RESULT_LINE) violate("crashed", "the sandbox sent an over-long result line");
  });

  const handle = (line: string) => {
    let msg: ChildMessage;
    try {
      msg = JSON.parse(line);
    } catch {
      return violate("crashed", "the sandbox sent a malformed result line");
    }
    switch (msg.t) {
      case "probe":
        probes.push({ probe: msg.probe, outcome: String(msg.outcome) });
        return;
      case "ready":
        ready = msg;
        readyAt = performance.now();
        return;
      case "preds": {
        const { start, n, idx: got } = msg;
        if (!Number.isInteger(start) || !Number.isInteger(n) || n < 1 || start < 0 || start + n > count || !Array.isArray(got) || got.length !== n * 3) {
          return violate("invalid-output", `the sandbox returned a malformed batch (start ${start}, ${n} images) for ${count} test images`);
        }
        for (let i = 0; i < n; i++) {
          if (filled[start + i]) return violate("invalid-output", `the sandbox returned image ${start + i} twice`);
          for (let a = 0; a < 3; a++) {
            const k = got[i * 3 + a];
            const classes = manifest.outputs[ATTRIBUTES[a]].classes.length;
            if (!Number.isInteger(k) || k < 0 || k >= classes) {
              return violate("invalid-output", `the sandbox returned class index ${k} for ${ATTRIBUTES[a]} of image ${start + i}; valid indices are 0..${classes - 1}`);
            }
            idx[(start + i) * 3 + a] = k;
          }
          filled[start + i] = 1;
          filledCount++;
        }
        return;
      }
      case "done":
        done = msg;
        return;
      case "error":
        childError = { t: "error", reason: msg.reason, message: String(msg.message).slice(0, 4000) };
        return;
      default:
        return violate("crashed", "the sandbox sent an unknown message");
    }
  };

  const timer = setTimeout(() => {
    killedFor = "wall-clock";
    kill();
  }, limits.wallSeconds * 1000);
  const onAbort = () => kill();
  if (abortSignal?.aborted) kill();
  else abortSignal?.addEventListener("abort", onAbort, { once: true });

  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (c, s) => resolve({ code: c, signal: s }));
  }).finally(() => {
    clearTimeout(timer);
    abortSignal?.removeEventListener("abort", onAbort);
  });
  if (abortSignal?.aborted) throw new Error("the sandbox run was cancelled (the scorer is stopping)");
  const totalSeconds = (performance.now() - started) / 1000;
  const text = log.text();

  const fail = (reason: SandboxFailureReason, message: string): RunModelInSandboxResult => ({ ok: false, reason, message, log: text, probes });

  if (killedFor === "wall-clock") {
    return fail("wall-clock", `the model did not finish within ${limits.wallSeconds} s (${filledCount} of ${count} images done); it was stopped`);
  }
  if (protocolError) return fail(protocolError.reason, protocolError.message);
  if (code === MASK_FAILED_EXIT && !ready && probes.length === 0) {
    // Our set-up failed before the model was touched: a platform problem, not the participant's.
    throw new Error(`the sandbox could not mask ${masked.join(", ")}: ${text.slice(0, 500)}`);
  }
  if (signal === "SIGXCPU" || (signal === "SIGKILL" && !killedFor && cpuLikelyExhausted(totalSeconds, limits))) {
    return fail("cpu", `the model used more than ${cpu} s of CPU time (${filledCount} of ${count} images done); it was stopped`);
  }
  if (childError) {
    if (childError.reason === "memory") return fail("memory", `the model ran out of memory (limit ${limits.memoryMb} MB): ${childError.message}`);
    return fail(childError.reason, childError.message);
  }
  if (code !== 0 || signal) {
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    if (OUT_OF_MEMORY_PATTERN.test(log.tail())) return fail("memory", `the model ran out of memory (limit ${limits.memoryMb} MB); the sandbox ${how}`);
    return fail("crashed", `the sandbox ${how} while running the model`);
  }
  if (!done || filledCount !== count) {
    return fail("invalid-output", `the sandbox returned predictions for ${filledCount} of ${count} test images`);
  }

  const predictions = new Map<string, ImagePrediction>();
  for (let i = 0; i < count; i++) {
    predictions.set(ids[i], {
      Gender: manifest.outputs.Gender.classes[idx[i * 3]] as GenderLabel,
      Hair_Color: manifest.outputs.Hair_Color.classes[idx[i * 3 + 1]] as HairColorLabel,
      Hair_Type: manifest.outputs.Hair_Type.classes[idx[i * 3 + 2]] as HairTypeLabel,
    });
  }
  const seconds = done.seconds;
  return {
    ok: true,
    predictions,
    log: text,
    probes,
    stats: {
      images: count,
      seconds,
      imagesPerSecond: seconds > 0 ? count / seconds : Infinity,
      backend: ready?.backend ?? config.backend,
      loadSeconds: ready?.loadSeconds ?? 0,
      startupSeconds: ready ? Math.max(0, (readyAt - started) / 1000 - ready.loadSeconds) : 0,
      totalSeconds,
      isolation: { namespaces: isolation.kind, network: isolation.kind !== "none", maskedPaths: masked },
    },
  };
}

/** A SIGKILL we did not send is the hard CPU limit when the run lasted about that long. */
let setprivAvailable: boolean | undefined;
function hasSetpriv(): boolean {
  setprivAvailable ??= spawnSync("setpriv", ["--version"], { stdio: "ignore" }).status === 0;
  return setprivAvailable;
}

function cpuLikelyExhausted(totalSeconds: number, limits: SandboxLimits): boolean {
  return totalSeconds * Math.max(1, limits.threads) >= limits.cpuSeconds;
}

/** Keeps the first and last part of a noisy child's output, and says how much was dropped. */
class CappedLog {
  private head = "";
  private tailBuf = "";
  private dropped = 0;
  private notified = false;
  constructor(private readonly onLog?: (text: string) => void) {}

  add(chunk: Buffer): void {
    // onnxruntime colours its messages; keep the log plain text.
    // eslint-disable-next-line no-control-regex
    const s = chunk.toString("utf8").replace(/\u001b\[[0-9;]*m/g, "");
    if (this.head.length < LOG_HEAD_BYTES) {
      const take = s.slice(0, LOG_HEAD_BYTES - this.head.length);
      this.head += take;
      this.onLog?.(take);
      if (take.length === s.length) return;
      this.pushTail(s.slice(take.length));
    } else {
      this.pushTail(s);
    }
    if (!this.notified) {
      this.notified = true;
      this.onLog?.("\n[log truncated: the rest is kept only as a tail]\n");
    }
  }

  private pushTail(s: string): void {
    this.tailBuf += s;
    if (this.tailBuf.length > LOG_TAIL_BYTES) {
      this.dropped += this.tailBuf.length - LOG_TAIL_BYTES;
      this.tailBuf = this.tailBuf.slice(-LOG_TAIL_BYTES);
    }
  }

  tail(): string {
    return (this.head + this.tailBuf).slice(-LOG_TAIL_BYTES);
  }

  text(): string {
    if (!this.tailBuf) return this.head;
    const gap = this.dropped ? `\n[... ${this.dropped} characters dropped ...]\n` : "";
    return this.head + gap + this.tailBuf;
  }
}
