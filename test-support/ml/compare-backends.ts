import * as tf from "@tensorflow/tfjs";

/**
 * Test helpers: run the same kernel on the `cpu` backend (the reference) and on `wasm`, from the
 * same input arrays, and measure the difference.
 */

export type Dtype = "float32" | "int32" | "bool";
export interface HostTensor {
  data: Float32Array | Int32Array | Uint8Array;
  shape: number[];
  dtype: Dtype;
}

/** Deterministic pseudo-random floats in [-1, 1) (a 32-bit LCG; no global RNG state). */
export function randomArray(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + ((s >>> 8) / 16777216) * (hi - lo);
  }
  return out;
}

export const host = (shape: number[], seed: number, dtype: Dtype = "float32"): HostTensor => {
  const n = shape.reduce((a, d) => a * d, 1);
  const f = randomArray(n, seed);
  if (dtype === "float32") return { data: f, shape, dtype };
  if (dtype === "int32") return { data: Int32Array.from(f, (v) => Math.round(v * 100)), shape, dtype };
  return { data: Uint8Array.from(f, (v) => (v > 0 ? 1 : 0)), shape, dtype };
};

/** Runs kernel `name` on `backend` with tensors made from the host arrays; returns the host result. */
export async function runKernelOn(
  backend: "cpu" | "wasm",
  name: string,
  inputs: Record<string, HostTensor>,
  attrs: object,
): Promise<HostTensor> {
  if (tf.getBackend() !== backend && !(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not start`);
  return tf.tidy(() => {
    const tensors = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, tf.tensor(v.data, v.shape, v.dtype)]));
    const out = tf.engine().runKernel(name, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
    return { data: out.dataSync() as HostTensor["data"], shape: out.shape, dtype: out.dtype as Dtype };
  });
}

/** max |a - b| / max |b|: the error relative to the reference's scale (elementwise ratios blow up near 0). */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= diff)) diff = d; // NaN-propagating max
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Runs on wasm and cpu; returns the relative error and both shapes. */
export async function compareKernel(name: string, inputs: Record<string, HostTensor>, attrs: object) {
  const wasm = await runKernelOn("wasm", name, inputs, attrs);
  const cpu = await runKernelOn("cpu", name, inputs, attrs);
  await tf.setBackend("wasm");
  return { error: relativeError(wasm.data, cpu.data), wasm, cpu };
}
