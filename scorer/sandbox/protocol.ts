import type { ConditionProbabilities } from "@/lib/generation/draw-generator-inputs";
import type { GeneratorManifest } from "@/lib/generation/generator-manifest";
import type { Manifest } from "@/lib/models/manifest";

/**
 * What the parent tells the sandbox child (one JSON argument) and what the child answers, one
 * JSON object per line on file descriptor 3. Results never travel on stdout/stderr: those carry
 * whatever onnxruntime or tfjs print, which the parent only keeps as a size-capped log.
 */

export type SandboxBackend = "onnxruntime" | "tfjs-wasm" | "tfjs-node";

export interface SandboxConfig {
  bundleDir: string;
  manifest: Manifest;
  /** The test tensor cache `test.u8` (count x H x W x 3 uint8). The child reads nothing else of the data. */
  imagesFile: string;
  count: number;
  threads: number;
  backend: SandboxBackend;
  /** Absolute paths of trusted code the child loads outside its own bundle. */
  wasmDir?: string;
  ortModule?: string;
  tfjsNodeModule?: string;
  /** Checks re-run inside the child on the bytes it loads. */
  checkLimits: { maxNodes: number; maxDepth: number; maxTensorBytes: number };
  /** Test-only: file operations the child attempts before loading the model, to prove the walls hold. */
  probes?: SandboxProbe[];
}

/**
 * The child's config in generate mode (generation track): it draws the latents itself from
 * `seed` with the platform's code (lib/generation/draw-generator-inputs.ts, bundled into the
 * child), runs the generator and answers with images instead of predictions.
 */
export interface GenerateConfig {
  mode: "generate";
  bundleDir: string;
  manifest: GeneratorManifest;
  /** Images to generate. */
  count: number;
  seed: number;
  /** Class shares per attribute for a conditional generator's requested attributes. */
  conditionProbabilities?: ConditionProbabilities;
  threads: number;
  /** onnxruntime for ONNX generators; tfjs (wasm, or tfjs-node when installed) for tfjs-layers ones. */
  backend: SandboxBackend;
  ortModule: string;
  wasmDir?: string;
  tfjsNodeModule?: string;
  checkLimits: { maxNodes: number; maxDepth: number; maxTensorBytes: number };
  probes?: SandboxProbe[];
}

export type SandboxProbe =
  | { op: "read"; path: string }
  | { op: "write"; path: string }
  | { op: "spawn"; path: string }
  | { op: "connect"; host: string; port: number };

export type SandboxFailureReason = "memory" | "cpu" | "wall-clock" | "invalid-output" | "model-error" | "crashed";

export type ChildMessage =
  | { t: "probe"; probe: SandboxProbe; outcome: string }
  | { t: "ready"; backend: string; loadSeconds: number; batchSize: number }
  /** `idx` holds 3 class indices per image (Gender, Hair_Color, Hair_Type), in manifest class order. */
  | { t: "preds"; start: number; n: number; idx: number[] }
  /** Generate mode: followed on the same descriptor by exactly n x 108 x 84 x 3 raw bytes (HWC, RGB). */
  | { t: "images"; start: number; n: number }
  | { t: "done"; seconds: number }
  | { t: "error"; reason: "model-error" | "invalid-output" | "memory"; message: string };

/** Messages from the tfjs worker threads to the child's main thread. */
export type WorkerMessage =
  | { t: "ready"; batchSize: number }
  | { t: "preds"; start: number; n: number; idx: Uint8Array }
  | { t: "error"; reason: "model-error" | "invalid-output" | "memory"; message: string };

export const RESULT_FD = 3;

/** Heuristics on error text: allocation failures from V8, wasm, glibc and onnxruntime. */
export const OUT_OF_MEMORY_PATTERN =
  /out of memory|Array buffer allocation failed|Failed to allocate memory|bad_alloc|Cannot allocate memory|Cannot enlarge memory|WebAssembly\.Memory|Aborted\(OOM\)|OOM|could not allocate|allocation failed|ENOMEM|heap limit|Reached heap limit/i;
