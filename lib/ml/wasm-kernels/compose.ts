import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

/**
 * Plumbing for wasm kernels composed of other wasm kernels. They call the registered
 * `kernelFunc`s directly with `{ inputs, backend, attrs }`, the way the backend's own composite
 * kernels do (e.g. its Mean calls Transpose and Cast), and release every intermediate with
 * `backend.disposeData` (each TensorInfo returned by a kernelFunc owns one reference; Reshape
 * returns the same dataId with one more reference).
 */

export type TensorInfo = tf.TensorInfo;
export type Attrs = tf.NamedAttrMap;
export type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: Attrs };
export type Pads4 = [[number, number], [number, number], [number, number], [number, number]];

export const BACKEND = "wasm";

/**
 * Stock wasm kernel configs that our registrations replaced. Building blocks and fallbacks go
 * through `stockKernel`, so an overriding kernel never calls itself.
 */
export const stockKernels = new Map<string, tf.KernelConfig | undefined>();

export function stockKernel(name: string): tf.KernelConfig {
  const config = stockKernels.has(name) ? stockKernels.get(name) : currentKernel(name);
  if (!config) throw new Error(`wasm kernels: '${name}' is not registered for the wasm backend`);
  return config;
}

export function currentKernel(name: string): tf.KernelConfig | undefined {
  try {
    return tf.getKernel(name, BACKEND);
  } catch {
    return undefined;
  }
}

/** Runs the stock kernel `name` on the same arguments (the fallback of an overriding kernel). */
export function runStock(name: string, args: KernelArgs): TensorInfo {
  return stockKernel(name).kernelFunc(args as Parameters<tf.KernelFunc>[0]) as TensorInfo;
}

/** Tracks the intermediates of one composite kernel and disposes them at the end. */
export class Composer {
  private temps: TensorInfo[] = [];
  constructor(readonly backend: BackendWasm) {}

  run(name: string, inputs: Record<string, TensorInfo>, attrs: Attrs = {}): TensorInfo {
    const out = stockKernel(name).kernelFunc({ inputs, backend: this.backend, attrs }) as TensorInfo;
    this.temps.push(out);
    return out;
  }
  /**
   * Transpose, with input axes that stay adjacent and in order merged first (e.g. [1, 2, 0, 3]
   * on NHWC is [1, 0, 2] on [N, H*W, C]): the wasm kernel is markedly faster at lower rank.
   */
  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    const { shape: merged, perm: mergedPerm } = mergeTransposeAxes(x.shape, perm);
    if (merged.length === x.shape.length) return this.run("Transpose", { x }, { perm });
    const t = this.run("Transpose", { x: this.reshape(x, merged) }, { perm: mergedPerm });
    return this.reshape(
      t,
      perm.map((p) => x.shape[p]),
    );
  }
  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run("Reshape", { x }, { shape });
  }
  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    return this.run("Slice", { x }, { begin, size });
  }
  fill(shape: number[], value: number): TensorInfo {
    return this.run("Fill", {}, { shape, value, dtype: "float32" });
  }
  /** Stride-1 Conv2D with explicit padding (and optional dilation). */
  conv2d(x: TensorInfo, filter: TensorInfo, pad: Pads4, dilations: [number, number] = [1, 1]): TensorInfo {
    return this.run("Conv2D", { x, filter }, { strides: [1, 1], pad, dilations, dataFormat: "NHWC" });
  }

  /** Disposes the intermediates except `result`. */
  done(result: TensorInfo): TensorInfo {
    for (const t of this.temps) if (t !== result) this.backend.disposeData(t.dataId);
    this.temps = [];
    return result;
  }
  abort(): void {
    for (const t of this.temps) this.backend.disposeData(t.dataId);
    this.temps = [];
  }
}

export function composite(backend: unknown, body: (c: Composer) => TensorInfo): TensorInfo {
  const c = new Composer(backend as BackendWasm);
  try {
    return c.done(body(c));
  } catch (e) {
    c.abort();
    throw e;
  }
}

export const sizeOf = (shape: readonly number[]) => shape.reduce((a, d) => a * d, 1);

/** Merges runs of input axes that are consecutive both in the input and in the permutation. */
export function mergeTransposeAxes(shape: readonly number[], perm: readonly number[]): { shape: number[]; perm: number[] } {
  // Groups of input axes, in output order: a new group starts unless perm[i] === perm[i-1] + 1.
  const groups: number[][] = [];
  for (let i = 0; i < perm.length; i++) {
    if (i > 0 && perm[i] === perm[i - 1] + 1) groups[groups.length - 1].push(perm[i]);
    else groups.push([perm[i]]);
  }
  // Input order of the groups gives the merged input shape; output order gives the perm.
  const byInput = [...groups].sort((a, b) => a[0] - b[0]);
  const mergedShape = byInput.map((g) => g.reduce((a, axis) => a * shape[axis], 1));
  const mergedPerm = groups.map((g) => byInput.indexOf(g));
  return { shape: mergedShape, perm: mergedPerm };
}
