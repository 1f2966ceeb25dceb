import type * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { composite, type KernelArgs, runStock, type TensorInfo } from "./compose";
import { readKernelAttrs } from "./read-kernel-attrs";

/**
 * Identity, and Cast to the same dtype, as an alias of the input's data (one more reference)
 * instead of a copy: tensors are immutable, and this is what the cpu and webgl backends (and the
 * wasm Reshape) already do. The engine clones every tensor a gradient saves for the backward
 * pass (`saveTensorsForBackwardMode`) and the Cast gradient clones too: on stock wasm that was
 * ~200 full-size copies per training step of the reference CNN.
 * Cast to bool is also fixed on the way (the stock kernel does not map nonzero to 1).
 */
export function identity(args: KernelArgs): TensorInfo {
  const x = args.inputs.x as TensorInfo;
  if (x.dtype === "string") return runStock("Identity", args);
  (args.backend as BackendWasm).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export function cast(args: KernelArgs): TensorInfo {
  const x = args.inputs.x as TensorInfo;
  const { dtype } = readKernelAttrs<{ dtype: string }>(args.attrs);
  if (dtype === "bool" && (x.dtype === "float32" || x.dtype === "int32")) {
    // The stock kernel copies numbers into a Uint8Array (2 -> 2, -1 -> 255); bool means x != 0.
    return composite(args.backend, (c) => c.run("NotEqual", { a: x, b: c.run("Fill", {}, { shape: [], value: 0, dtype: x.dtype }) }));
  }
  if (dtype !== x.dtype || x.dtype === "string") return runStock("Cast", args);
  (args.backend as BackendWasm).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const aliasingKernels = [
  { kernelName: "Identity", kernelFunc: identity as tf.KernelFunc },
  { kernelName: "Cast", kernelFunc: cast as tf.KernelFunc },
];
