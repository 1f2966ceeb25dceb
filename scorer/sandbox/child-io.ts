import fs from "node:fs";
import { RESULT_FD, type ChildMessage } from "./protocol";

/** Code shared by the sandbox child's main thread and its worker threads. */

export class SandboxError extends Error {
  constructor(
    readonly reason: "model-error" | "invalid-output" | "memory",
    message: string,
  ) {
    super(message);
  }
}

/** Turns anything thrown by a runtime into a SandboxError with the right reason. */
export function toSandboxError(e: unknown, context: string): SandboxError {
  if (e instanceof SandboxError) return e;
  const message = e instanceof Error ? e.message : typeof e === "object" && e && "message" in e ? String(e.message) : String(e);
  // tfjs-wasm does not check malloc's result: when the wasm heap cannot grow (our RLIMIT_DATA),
  // the next write traps with "memory access out of bounds".
  const oom =
    /out of memory|Array buffer allocation failed|Failed to allocate memory|bad_alloc|Cannot allocate memory|Cannot enlarge memory|Aborted\(OOM\)|could not allocate|WebAssembly\.Memory|memory access out of bounds/i.test(
      message,
    );
  return new SandboxError(oom ? "memory" : "model-error", `${context}: ${message.slice(0, 2000)}`);
}

/** One JSON line on the result descriptor; blocking writes, retried when the pipe is full. */
export function sendToParent(msg: ChildMessage): void {
  writeAllToParent(Buffer.from(JSON.stringify(msg) + "\n"));
}

/** Raw bytes on the result descriptor (a JSON line, or generate mode's image bytes), blocking, retried while the pipe is full. */
export function writeAllToParent(buf: Uint8Array): void {
  let off = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(RESULT_FD, buf, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

/**
 * An onnxruntime session over model bytes Node read (onnxruntime never opens a path itself), with
 * the sandbox's thread count and sequential execution; a load failure becomes a SandboxError.
 */
export async function createOrtSession(
  ort: typeof import("onnxruntime-node"),
  bytes: Uint8Array,
  threads: number,
  context: string,
): Promise<import("onnxruntime-node").InferenceSession> {
  try {
    return await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
      logSeverityLevel: 3,
    });
  } catch (e) {
    throw toSandboxError(e, context);
  }
}

/** Sizes of every file in the bundle folder by posix path (the folder was written by us). */
export function listBundleFiles(dir: string, maxFiles = 1000): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (abs: string, rel: string) => {
    for (const d of fs.readdirSync(abs, { withFileTypes: true })) {
      const childRel = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) walk(`${abs}/${d.name}`, childRel);
      else if (d.isFile()) {
        if (out.size >= maxFiles) throw new SandboxError("model-error", `the bundle has more than ${maxFiles} files`);
        out.set(childRel, fs.statSync(`${abs}/${d.name}`).size);
      }
    }
  };
  walk(dir, "");
  return out;
}
