import fs from "node:fs";
import path from "node:path";
import { ATTRIBUTES, IMAGE_BYTES } from "@/lib/challenge/definition";
import { checkOnnxModel, resolveOnnxInput } from "@/lib/models/check-onnx-model";
import { argmaxHead, type NumericOutput } from "@/lib/models/decode-model-outputs";
import { DEFAULT_BATCH_SIZE } from "@/lib/models/manifest";
import { inputShape, preprocessImages } from "@/lib/models/preprocess-images";
import { createOrtSession, SandboxError, toSandboxError } from "./child-io";
import type { SandboxConfig } from "./protocol";
import type { BatchRunner } from "./tfjs-runner";

/**
 * Runs an ONNX model with onnxruntime-node inside the sandbox child. The model bytes are read
 * by Node (under the permission model) and handed to onnxruntime as a buffer, and re-checked
 * first, so onnxruntime never opens a file path itself (external data was refused already).
 */

type Ort = typeof import("onnxruntime-node");

export async function createOnnxRunner(cfg: SandboxConfig): Promise<BatchRunner> {
  // Loaded by absolute path: onnxruntime-node is a native addon outside the bundled child code.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ort: Ort = require(cfg.ortModule!);
  const { manifest } = cfg;
  const bytes = fs.readFileSync(path.join(cfg.bundleDir, manifest.model));
  const checked = checkOnnxModel({ bytes, manifest, limits: cfg.checkLimits, fileName: manifest.model });
  if (!checked.ok) throw new SandboxError("model-error", checked.errors.join("\n"));
  const input = resolveOnnxInput(checked.summary, manifest);
  if (typeof input === "string") throw new SandboxError("model-error", input);

  const session = await createOrtSession(ort, bytes, cfg.threads, "onnxruntime could not load the model");

  const outputNames = ATTRIBUTES.map((attr) => {
    const ref = manifest.outputs[attr].output;
    const name = typeof ref === "number" ? session.outputNames[ref] : ref;
    if (!name || !session.outputNames.includes(name))
      throw new SandboxError("model-error", `outputs.${attr}.output: ${JSON.stringify(ref)} is not an output of the model`);
    return name;
  });
  const fetches = [...new Set(outputNames)];
  // A model exported with a fixed batch dimension gets exactly that many images, zero-padded.
  const declaredBatch = input.dims?.[0];
  const fixedBatch = typeof declaredBatch === "number" && declaredBatch > 0 ? declaredBatch : undefined;
  const batchSize = fixedBatch ?? manifest.batchSize ?? DEFAULT_BATCH_SIZE;
  const buffer = new Float32Array(batchSize * IMAGE_BYTES);

  return {
    backend: "onnxruntime",
    batchSize,
    parallelism: 1,
    async run(pixels, start, n) {
      const rows = fixedBatch ?? n;
      preprocessImages(pixels, n, manifest.input, buffer);
      const data = buffer.subarray(0, rows * IMAGE_BYTES);
      if (rows > n) data.fill(0, n * IMAGE_BYTES); // padding rows of a fixed-batch model
      let result: Record<string, import("onnxruntime-node").Tensor>;
      try {
        const feeds = { [input.name]: new ort.Tensor("float32", data, inputShape(rows, manifest.input.layout)) };
        result = await session.run(feeds, fetches);
      } catch (e) {
        throw toSandboxError(e, "onnxruntime failed while running the model");
      }
      const out = new Uint8Array(n * 3);
      ATTRIBUTES.forEach((attr, a) => {
        const t = result[outputNames[a]];
        if (!t || typeof t.data === "string" || !isNumeric(t.data)) {
          throw new SandboxError(
            "invalid-output",
            `outputs.${attr} (output "${outputNames[a]}"): the model returned a ${t?.type ?? "missing"} tensor; expected numbers`,
          );
        }
        const decoded = argmaxHead({
          attr,
          head: manifest.outputs[attr],
          outputLabel: JSON.stringify(outputNames[a]),
          data: t.data as NumericOutput,
          dims: t.dims,
          count: rows,
          offset: start,
        });
        if (!decoded.ok) throw new SandboxError("invalid-output", decoded.message);
        for (let i = 0; i < n; i++) out[i * 3 + a] = decoded.indices[i];
      });
      for (const t of Object.values(result)) t.dispose?.();
      return out;
    },
    async close() {
      await session.release();
    },
  };
}

function isNumeric(d: unknown): boolean {
  return (
    d instanceof Float32Array ||
    d instanceof Float64Array ||
    d instanceof Int32Array ||
    d instanceof Uint8Array ||
    d instanceof BigInt64Array ||
    d instanceof Int8Array ||
    d instanceof Uint16Array ||
    d instanceof Int16Array
  );
}
