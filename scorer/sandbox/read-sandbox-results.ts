import { ATTRIBUTES } from "@/lib/challenge/definition";
import type { ChildMessage, SandboxFailureReason, SandboxProbe } from "./protocol";

/**
 * The parent's side of the fd-3 protocol (protocol.ts): JSON lines from an untrusted child,
 * size-capped and validated as they arrive. Exactly one prediction per test image, class indices
 * in range for each attribute. The first violation is kept and `onViolation` is called once, so
 * the caller can kill the child; everything after it is ignored. ChildResultReader is the part
 * the generator's reader (run-generator-in-sandbox.ts) shares.
 */

export interface ProbeOutcome {
  probe: SandboxProbe;
  outcome: string;
}

export interface SandboxViolation {
  reason: SandboxFailureReason;
  message: string;
}

export interface ReadSandboxResultsOptions {
  /** Number of test images. */
  count: number;
  /** Number of classes of each attribute, in ATTRIBUTES order (Gender, Hair_Color, Hair_Type). */
  classCounts: readonly [number, number, number];
  onViolation?: (violation: SandboxViolation) => void;
  /** Called once, when the child reports the model loaded. */
  onReady?: () => void;
}

/** The whole channel may not exceed this: generous for `count` predictions, bounded for a flood. */
const bytesAllowed = (count: number) => count * 64 + 1024 * 1024;
const MAX_RESULT_LINE = 1024 * 1024;

/** One result line as a message object, or undefined when it is not JSON or not an object (both readers). */
export function parseChildLine(line: string): ChildMessage | undefined {
  try {
    const msg: unknown = JSON.parse(line);
    return typeof msg === "object" && msg !== null && !Array.isArray(msg) ? (msg as ChildMessage) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What every reader of the result pipe does with a line, whatever the child's mode: a malformed
 * line and a message the mode does not expect are violations; `done` and the child's own `error`
 * (its message capped) are kept. Only the first violation is kept and reported, once.
 */
export abstract class ChildResultReader {
  ready: Extract<ChildMessage, { t: "ready" }> | undefined;
  done: Extract<ChildMessage, { t: "done" }> | undefined;
  childError: Extract<ChildMessage, { t: "error" }> | undefined;
  violation: SandboxViolation | undefined;
  /** Images answered so far. */
  filledCount = 0;

  constructor(public onViolation?: (violation: SandboxViolation) => void) {}

  /** The mode's own messages; false for one it does not expect. */
  protected abstract take(msg: ChildMessage): boolean;

  protected violate(reason: SandboxFailureReason, message: string): void {
    if (this.violation) return;
    this.violation = { reason, message };
    this.onViolation?.(this.violation);
  }

  /** One whole line of the pipe, without its newline. */
  protected handle(line: string): void {
    const msg = parseChildLine(line);
    if (!msg) return this.violate("crashed", "the sandbox sent a malformed result line");
    switch (msg.t) {
      case "done":
        this.done = msg;
        return;
      case "error":
        this.childError = { t: "error", reason: msg.reason, message: String(msg.message).slice(0, 4000) };
        return;
      default:
        if (!this.take(msg)) this.violate("crashed", "the sandbox sent an unknown message");
    }
  }
}

export class SandboxResultReader extends ChildResultReader {
  readonly probes: ProbeOutcome[] = [];
  /** performance.now() when `ready` arrived. */
  readyAt = 0;

  private readonly filled: Uint8Array;
  /** Three class indices per image, in ATTRIBUTES order. */
  readonly indices: Uint8Array;
  private bytes = 0;
  private pending = "";

  constructor(private readonly options: ReadSandboxResultsOptions) {
    super(options.onViolation);
    this.filled = new Uint8Array(options.count);
    this.indices = new Uint8Array(options.count * 3);
  }

  /** Feeds a chunk of the result pipe. */
  push(chunk: Buffer): void {
    if (this.violation) return;
    this.bytes += chunk.length;
    if (this.bytes > bytesAllowed(this.options.count))
      return this.violate("crashed", "the sandbox sent more result data than the predictions can need");
    this.pending += chunk.toString("utf8");
    let nl: number;
    while (!this.violation && (nl = this.pending.indexOf("\n")) >= 0) {
      const line = this.pending.slice(0, nl);
      this.pending = this.pending.slice(nl + 1);
      this.handle(line);
    }
    if (this.pending.length > MAX_RESULT_LINE) this.violate("crashed", "the sandbox sent an over-long result line");
  }

  /** Every test image has exactly one prediction and the child said it was done. */
  complete(): boolean {
    return !this.violation && this.done !== undefined && this.filledCount === this.options.count;
  }

  protected take(msg: ChildMessage): boolean {
    switch (msg.t) {
      case "probe":
        this.probes.push({ probe: msg.probe, outcome: String(msg.outcome) });
        return true;
      case "ready":
        if (this.ready) return true;
        this.ready = msg;
        this.readyAt = performance.now();
        this.options.onReady?.();
        return true;
      case "preds":
        this.takeBatch(msg);
        return true;
      default:
        return false;
    }
  }

  private takeBatch(msg: Extract<ChildMessage, { t: "preds" }>): void {
    const { count, classCounts } = this.options;
    const { start, n, idx: got } = msg;
    if (
      !Number.isInteger(start) ||
      !Number.isInteger(n) ||
      n < 1 ||
      start < 0 ||
      start + n > count ||
      !Array.isArray(got) ||
      got.length !== n * 3
    ) {
      return this.violate(
        "invalid-output",
        `the sandbox returned a malformed batch (start ${start}, ${n} images) for ${count} test images`,
      );
    }
    for (let i = 0; i < n; i++) {
      if (this.filled[start + i]) return this.violate("invalid-output", `the sandbox returned image ${start + i} twice`);
      for (let a = 0; a < 3; a++) {
        const k = got[i * 3 + a];
        const classes = classCounts[a];
        if (!Number.isInteger(k) || k < 0 || k >= classes) {
          return this.violate(
            "invalid-output",
            `the sandbox returned class index ${k} for ${ATTRIBUTES[a]} of image ${start + i}; valid indices are 0..${classes - 1}`,
          );
        }
        this.indices[(start + i) * 3 + a] = k;
      }
      this.filled[start + i] = 1;
      this.filledCount++;
    }
  }
}
