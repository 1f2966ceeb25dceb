import os from "node:os";
import { OUT_OF_MEMORY_PATTERN, type SandboxFailureReason } from "./protocol";

/**
 * Why a sandbox run ended, from what the parent saw: how the process exited, what the result
 * channel said, which limit the parent enforced itself. The order matters: a kill the parent
 * sent, or a protocol violation it caught, explains the exit better than the exit code does.
 */

export interface SandboxExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ClassifySandboxExitOptions {
  exit: SandboxExit;
  /** The wrapper (bubblewrap) reports a child killed by signal N as exit code 128 + N. */
  signalsAsExitCodes: boolean;
  /** Set when the parent killed the child itself. */
  killedFor?: "wall-clock";
  /** The wrappers failed before the model was touched: ours to fix, not the participant's. */
  setupFailure?: string;
  violation?: { reason: SandboxFailureReason; message: string };
  childError?: { reason: "model-error" | "invalid-output" | "memory"; message: string };
  done: boolean;
  filledCount: number;
  count: number;
  limits: { memoryMb: number; cpuSeconds: number; wallSeconds: number; threads: number };
  totalSeconds: number;
  /** The end of the child's output, searched for allocation failures. */
  logTail: string;
}

export type SandboxOutcome =
  | { kind: "ok" }
  | { kind: "failed"; reason: SandboxFailureReason; message: string }
  /** Thrown by the caller: the platform retries the job and does not charge the participant. */
  | { kind: "platform-error"; message: string };

export function classifySandboxExit(o: ClassifySandboxExitOptions): SandboxOutcome {
  const { code, signal } = normaliseExit(o.exit, o.signalsAsExitCodes);
  const fail = (reason: SandboxFailureReason, message: string): SandboxOutcome => ({ kind: "failed", reason, message });
  const progress = `${o.filledCount} of ${o.count} images done`;
  const cpu = cpuLimitSeconds(o.limits.cpuSeconds);

  if (o.killedFor === "wall-clock")
    return fail("wall-clock", `the model did not finish within ${o.limits.wallSeconds} s (${progress}); it was stopped`);
  if (o.violation) return fail(o.violation.reason, o.violation.message);
  if (o.setupFailure !== undefined) return { kind: "platform-error", message: `the sandbox could not be set up: ${o.setupFailure}` };
  if (signal === "SIGXCPU" || (signal === "SIGKILL" && cpuLikelyExhausted(o.totalSeconds, o.limits))) {
    return fail("cpu", `the model used more than ${cpu} s of CPU time (${progress}); it was stopped`);
  }
  if (o.childError) {
    if (o.childError.reason === "memory")
      return fail("memory", `the model ran out of memory (limit ${o.limits.memoryMb} MB): ${o.childError.message}`);
    return fail(o.childError.reason, o.childError.message);
  }
  if (code !== 0 || signal) {
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    if (OUT_OF_MEMORY_PATTERN.test(o.logTail))
      return fail("memory", `the model ran out of memory (limit ${o.limits.memoryMb} MB); the sandbox ${how}`);
    return fail("crashed", `the sandbox ${how} while running the model`);
  }
  if (!o.done || o.filledCount !== o.count)
    return fail("invalid-output", `the sandbox returned predictions for ${o.filledCount} of ${o.count} test images`);
  return { kind: "ok" };
}

/** RLIMIT_CPU soft limit in whole seconds, as prlimit is given it. */
export function cpuLimitSeconds(cpuSeconds: number): number {
  return Math.max(1, Math.ceil(cpuSeconds));
}

function normaliseExit(exit: SandboxExit, signalsAsExitCodes: boolean): SandboxExit {
  if (exit.signal || !signalsAsExitCodes || exit.code === null || exit.code <= 128) return exit;
  const name = Object.entries(os.constants.signals).find(([, n]) => n === exit.code! - 128)?.[0];
  return name ? { code: null, signal: name as NodeJS.Signals } : exit;
}

/** A SIGKILL we did not send is the hard CPU limit when the run lasted about that long. */
function cpuLikelyExhausted(totalSeconds: number, limits: { cpuSeconds: number; threads: number }): boolean {
  return totalSeconds * Math.max(1, limits.threads) >= limits.cpuSeconds;
}
