import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { IMAGE_BYTES } from "@/lib/challenge/definition";
import type { ConditionProbabilities } from "@/lib/generation/draw-generator-inputs";
import { parseGeneratorManifest } from "@/lib/generation/generator-manifest";
import { MANIFEST_FILE_NAME } from "@/lib/models/manifest";
import { buildSandboxCommand, MASK_FAILED_EXIT, type SandboxWalls } from "./build-sandbox-command";
import { prepareSandboxRuntime } from "./build-sandbox-entry";
import { CappedLog } from "./capped-log";
import { classifySandboxExit, type SandboxExit } from "./classify-sandbox-exit";
import type { ChildMessage, GenerateConfig, SandboxFailureReason, SandboxProbe } from "./protocol";
import { CHILD_CHECK_LIMITS, DEFAULT_SANDBOX_LIMITS, nodeCommand, prepareSandboxWalls, type SandboxLimits } from "./run-model-in-sandbox";
import { ChildResultReader } from "./read-sandbox-results";
import { sanitiseHostPaths } from "./sanitise-host-paths";

/**
 * Runs a participant's generator in the model sandbox (the same walls, rlimits, wall clock and
 * permission model as run-model-in-sandbox.ts: only the child's mode differs) and writes the
 * images it returns to `outFile` as a uint8 tensor (count x 108 x 84 x 3, HWC, RGB: the layout
 * of the dataset's tensor caches). The parent never holds more than one batch: each batch's bytes
 * go to their place in the file as they arrive. The child sees the bundle, Node and onnxruntime,
 * nothing of the dataset. ONNX generators run in onnxruntime, tfjs-layers ones in tfjs (the wasm
 * backend in the child's main thread, or tfjs-node when installed), with the same file grants
 * per backend as classification models.
 */

export interface GenerateStats {
  images: number;
  seconds: number;
  imagesPerSecond: number;
  loadSeconds: number;
  totalSeconds: number;
  isolation: string;
}

export type RunGeneratorResult =
  { ok: true; log: string; stats: GenerateStats } | { ok: false; reason: SandboxFailureReason; message: string; log: string };

export async function runGeneratorInSandbox(options: {
  /** Extracted by inspectGeneratorBundle: manifest.json and the .onnx. */
  bundleDir: string;
  outFile: string;
  count: number;
  seed: number;
  conditionProbabilities?: ConditionProbabilities;
  limits?: Partial<SandboxLimits>;
  maskPaths?: string[];
  onLog?: (text: string) => void;
  signal?: AbortSignal;
  /** Test-only: operations the child attempts first (each must fail). */
  probes?: SandboxProbe[];
  projectRoot?: string;
}): Promise<RunGeneratorResult> {
  const limits = { ...DEFAULT_SANDBOX_LIMITS, ...options.limits };
  const bundleDir = fs.realpathSync(options.bundleDir);
  const parsed = parseGeneratorManifest(fs.readFileSync(path.join(bundleDir, MANIFEST_FILE_NAME), "utf8"));
  if (!parsed.ok) return { ok: false, reason: "model-error", message: parsed.errors.join("\n"), log: "" };
  const runtime = await prepareSandboxRuntime(options.projectRoot);
  const config: GenerateConfig = {
    mode: "generate",
    bundleDir,
    manifest: parsed.manifest,
    count: options.count,
    seed: options.seed,
    conditionProbabilities: options.conditionProbabilities,
    threads: Math.max(1, Math.floor(limits.threads)),
    backend: parsed.manifest.format === "onnx" ? "onnxruntime" : runtime.tfjsNode ? "tfjs-node" : "tfjs-wasm",
    ortModule: runtime.ortModule,
    wasmDir: runtime.wasmDir,
    tfjsNodeModule: runtime.tfjsNode?.module,
    checkLimits: CHILD_CHECK_LIMITS,
    probes: options.probes,
  };
  const { walls, readOnlyPaths, maskPaths } = prepareSandboxWalls({ config, runtime, bundleDir, maskCandidates: options.maskPaths ?? [] });
  const command = buildSandboxCommand({
    walls,
    command: nodeCommand(config, runtime, limits),
    readOnlyPaths,
    maskPaths,
    cwd: bundleDir,
    limits,
  });

  const started = performance.now();
  const fd = fs.openSync(options.outFile, "w", 0o600);
  const reader = new GeneratedImagesReader(options.count, fd);
  const child = spawn(command.argv[0], command.argv.slice(1), {
    cwd: bundleDir,
    env: command.env as NodeJS.ProcessEnv,
    stdio: [command.stdin ? "pipe" : "ignore", "pipe", "pipe", "pipe"],
    detached: true,
  });
  child.stdin?.on("error", () => undefined);
  child.stdin?.end(command.stdin);
  const kill = () => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      child.kill("SIGKILL");
    }
  };
  reader.onViolation = kill;
  const log = new CappedLog(options.onLog);
  child.stdout!.on("data", (b: Buffer) => log.add(b));
  child.stderr!.on("data", (b: Buffer) => log.add(b));
  (child.stdio[3] as NodeJS.ReadableStream).on("data", (b: Buffer) => reader.push(b));
  let killedFor: "wall-clock" | undefined;
  const timer = setTimeout(() => {
    killedFor = "wall-clock";
    kill();
  }, limits.wallSeconds * 1000);
  const onAbort = () => kill();
  if (options.signal?.aborted) kill();
  else options.signal?.addEventListener("abort", onAbort, { once: true });
  let exit: SandboxExit;
  try {
    exit = await new Promise<SandboxExit>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code, signal) => resolve({ code, signal }));
    });
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
    fs.closeSync(fd);
  }
  if (options.signal?.aborted) throw new Error("the sandbox run was cancelled (the scorer is stopping)");
  const totalSeconds = (performance.now() - started) / 1000;
  const verdict = classifySandboxExit({
    exit,
    signalsAsExitCodes: walls.wrapper === "bubblewrap",
    killedFor,
    setupFailure: setupFailure(walls, exit, reader, log),
    violation: reader.violation,
    childError: reader.childError,
    done: reader.done !== undefined,
    filledCount: reader.filledCount,
    count: options.count,
    limits,
    totalSeconds,
    logTail: log.tail(),
  });
  if (verdict.kind === "platform-error") throw new Error(verdict.message);
  const hostPaths = [{ path: bundleDir, as: "" }];
  const text = sanitiseHostPaths(log.text(), hostPaths);
  if (verdict.kind === "failed") {
    // "predictions for k of N test images" is the classification wording; say images here.
    const message = verdict.message.replace(/predictions for (\d+) of (\d+) test images/, "$1 of $2 images");
    return { ok: false, reason: verdict.reason, message: sanitiseHostPaths(message, hostPaths), log: text };
  }
  const seconds = reader.done!.seconds;
  return {
    ok: true,
    log: text,
    stats: {
      images: options.count,
      seconds,
      imagesPerSecond: seconds > 0 ? options.count / seconds : Infinity,
      loadSeconds: reader.ready?.loadSeconds ?? 0,
      totalSeconds,
      isolation: walls.isolation,
    },
  };
}

function setupFailure(walls: SandboxWalls, exit: SandboxExit, reader: GeneratedImagesReader, log: CappedLog): string | undefined {
  if (exit.code === 0 || reader.ready || reader.childError) return undefined;
  const start = log.start();
  if (walls.wrapper === "unshare" && exit.code === MASK_FAILED_EXIT) return start.slice(0, 500);
  if (/^(bwrap|setpriv|prlimit|unshare): /.test(start)) return start.split("\n")[0].slice(0, 500);
  return undefined;
}

const MAX_HEADER_LINE = 4096;

/**
 * The parent's side of generate mode on fd 3: JSON header lines, each `images` header followed by
 * its raw bytes. Batches must arrive in order, cover 0..count-1 exactly once and never exceed
 * it; anything else is a violation (the child is killed). Bytes go straight to `fd`.
 */
export class GeneratedImagesReader extends ChildResultReader {
  private header: Buffer[] = [];
  private headerBytes = 0;
  /** Raw bytes still expected for the current batch, and where they go in the file. */
  private remaining = 0;
  private position = 0;

  constructor(
    private readonly count: number,
    private readonly fd: number,
  ) {
    super();
  }

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length && !this.violation) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, chunk.length - at);
        let written = 0;
        while (written < take) written += fs.writeSync(this.fd, chunk, at + written, take - written, this.position + written);
        this.position += take;
        this.remaining -= take;
        at += take;
        continue;
      }
      const nl = chunk.indexOf(0x0a, at);
      const end = nl < 0 ? chunk.length : nl;
      this.header.push(chunk.subarray(at, end));
      this.headerBytes += end - at;
      if (this.headerBytes > MAX_HEADER_LINE) return this.violate("crashed", "the sandbox sent an over-long result line");
      at = end;
      if (nl >= 0) {
        at = nl + 1;
        const line = Buffer.concat(this.header).toString("utf8");
        this.header = [];
        this.headerBytes = 0;
        this.handle(line);
      }
    }
  }

  protected take(msg: ChildMessage): boolean {
    switch (msg.t) {
      case "probe":
        return true;
      case "ready":
        this.ready ??= msg;
        return true;
      case "images": {
        const { start, n } = msg;
        if (!Number.isInteger(start) || !Number.isInteger(n) || n < 1 || start !== this.filledCount || start + n > this.count) {
          this.violate(
            "invalid-output",
            `the sandbox sent images ${start}..${start + n - 1} out of order or beyond the ${this.count} requested`,
          );
          return true;
        }
        this.remaining = n * IMAGE_BYTES;
        this.position = start * IMAGE_BYTES;
        this.filledCount += n;
        return true;
      }
      default:
        return false;
    }
  }
}
