import { createRequire } from "node:module";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import * as tfWasm from "@tensorflow/tfjs-backend-wasm";
import {
  registerWasmTrainingKernels,
  unregisterWasmTrainingKernels,
  wasmTrainingKernelsRegistered,
} from "./register-wasm-training-kernels";

/**
 * Picks the tfjs backend for training (and anything else heavy) in Node:
 *   1. `tensorflow` (tfjs-node, native, multi-threaded) when `@tensorflow/tfjs-node` can be required;
 *   2. otherwise `wasm` (XNNPACK, SIMD, one thread per instance in Node) with our training
 *      kernels registered (see register-wasm-training-kernels.ts);
 *   3. never silently the pure-JS `cpu` backend, which is ~30x slower to infer and unusable to
 *      train: if wasm cannot start this throws, unless the caller passes `allowCpu: true`.
 * `backend: "cpu"` forces the cpu backend (reference runs in tests and benchmarks; needs allowCpu).
 */

export type TrainingBackendName = "tensorflow" | "wasm" | "cpu";

export interface SelectTrainingBackendOptions {
  /** Force a backend instead of the automatic order (tensorflow > wasm). */
  backend?: TrainingBackendName;
  /** Permit the pure-JS cpu backend (forced, or as a fallback when wasm fails). Default false. */
  allowCpu?: boolean;
  /** Register the wasm training kernels (default true; false = stock wasm, for benchmarks). */
  patchWasm?: boolean;
  /** Folder of the tfjs wasm binaries (default: the installed @tensorflow/tfjs-backend-wasm/dist). */
  wasmDir?: string;
}

export interface TrainingBackend {
  tf: typeof tf;
  backend: TrainingBackendName;
  /** wasm: whether the SIMD build runs. */
  simd: boolean;
  /** wasm: threads of the wasm instance (1 in Node); tensorflow: undefined (its own pool). */
  threads?: number;
  /** wasm: whether our Conv2DBackpropFilter/Input are the registered kernels. */
  trainingKernels: boolean;
  /** Why a fallback happened (only with allowCpu). */
  fallbackReason?: string;
  /** One line for logs: "wasm (SIMD on, 1 thread, training kernels patched)". */
  description: string;
}

const nodeRequire = createRequire(typeof __filename === "string" ? __filename : path.join(process.cwd(), "package.json"));

/** Folder of the tfjs wasm binaries, with a trailing slash (what setWasmPaths expects as a prefix). */
export function wasmBinariesDir(): string {
  return path.dirname(nodeRequire.resolve("@tensorflow/tfjs-backend-wasm")) + path.sep;
}

/** True when `@tensorflow/tfjs-node` resolves (it cannot be installed on machines without internet). */
export function tfjsNodeAvailable(): boolean {
  try {
    nodeRequire.resolve("@tensorflow/tfjs-node");
    return true;
  } catch {
    return false;
  }
}

let wasmPathsSet = false;

async function startWasm(patch: boolean, dir: string): Promise<void> {
  // setWasmPaths throws once the backend has been initialised: set it only before the first start.
  if (!wasmPathsSet && !tf.findBackend("wasm")) {
    tfWasm.setWasmPaths(dir.endsWith("/") ? dir : `${dir}/`);
    wasmPathsSet = true;
  }
  let ok = false;
  let cause: unknown;
  try {
    ok = await tf.setBackend("wasm");
    await tf.ready();
  } catch (e) {
    cause = e;
  }
  if (!ok || tf.getBackend() !== "wasm") {
    const why = cause instanceof Error ? cause.message : "tf.setBackend('wasm') returned false";
    throw new Error(`the tfjs wasm backend could not start (${why}); binaries looked up in ${dir}`);
  }
  if (patch) registerWasmTrainingKernels();
  else unregisterWasmTrainingKernels();
}

async function describeWasm(): Promise<Pick<TrainingBackend, "simd" | "threads" | "trainingKernels">> {
  const simd = Boolean(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"));
  const threads = tfWasm.getThreadsCount();
  return { simd, threads, trainingKernels: wasmTrainingKernelsRegistered() };
}

function describe(b: Omit<TrainingBackend, "description" | "tf">): string {
  if (b.backend === "tensorflow") return "tensorflow (tfjs-node, native)";
  if (b.backend === "cpu") return `cpu (pure JS, slow${b.fallbackReason ? `; fallback: ${b.fallbackReason}` : ""})`;
  return `wasm (SIMD ${b.simd ? "on" : "off"}, ${b.threads} thread${b.threads === 1 ? "" : "s"}, training kernels ${b.trainingKernels ? "patched" : "stock"})`;
}

function done(b: Omit<TrainingBackend, "description" | "tf">): TrainingBackend {
  return { ...b, tf, description: describe(b) };
}

export async function selectTrainingBackend(options: SelectTrainingBackendOptions = {}): Promise<TrainingBackend> {
  const { allowCpu = false, patchWasm = true } = options;
  const wanted = options.backend;

  if (wanted === "cpu") {
    if (!allowCpu) throw new Error("selectTrainingBackend: the pure-JS cpu backend was requested without { allowCpu: true }");
    if (!(await tf.setBackend("cpu"))) throw new Error("the tfjs cpu backend could not start");
    return done({ backend: "cpu", simd: false, trainingKernels: false });
  }

  if (wanted === "tensorflow" || (wanted === undefined && tfjsNodeAvailable())) {
    try {
      // A computed name keeps bundlers from trying to resolve the optional native package.
      const name = ["@tensorflow", "tfjs-node"].join("/");
      nodeRequire(name);
      if (!(await tf.setBackend("tensorflow"))) throw new Error("tf.setBackend('tensorflow') returned false");
      return done({ backend: "tensorflow", simd: true, trainingKernels: false });
    } catch (e) {
      if (wanted === "tensorflow") throw new Error(`@tensorflow/tfjs-node could not be loaded: ${(e as Error).message}`);
      // Installed but broken (e.g. missing libtensorflow): wasm below.
    }
  }

  try {
    await startWasm(patchWasm, options.wasmDir ?? wasmBinariesDir());
    return done({ backend: "wasm", ...(await describeWasm()) });
  } catch (e) {
    if (!allowCpu) {
      throw new Error(
        `${(e as Error).message}. Refusing to fall back to the pure-JS cpu backend (about 30x slower to infer and far too slow to train); pass { allowCpu: true } to accept it.`,
      );
    }
    const reason = (e as Error).message;
    if (!(await tf.setBackend("cpu"))) throw new Error(`wasm failed (${reason}) and the cpu backend could not start either`);
    return done({ backend: "cpu", simd: false, trainingKernels: false, fallbackReason: reason });
  }
}
