/**
 * Size limits applied to a model upload before anything in it is trusted. The defaults fit a
 * CPU-scorable model for 108x84 images with a wide margin (a ResNet-18 is 45 MB in float32);
 * the platform may pass tighter ones.
 */
export interface ModelBundleLimits {
  /** Most entries (files + folders) in a zip. */
  maxEntries: number;
  /** Most bytes of all files once extracted (declared sizes are checked first, real bytes while extracting). */
  maxTotalBytes: number;
  /** Most bytes of one extracted file. */
  maxEntryBytes: number;
  /** Most uncompressed/compressed ratio of an entry bigger than `ratioFloorBytes` (zip bombs). */
  maxCompressionRatio: number;
  ratioFloorBytes: number;
  /** Most bytes read into memory for a JSON file (manifest.json, model.json). */
  maxJsonBytes: number;
  /** Most bytes one declared tensor (weight, initializer, constant) may take. */
  maxTensorBytes: number;
  /** Most graph nodes (ONNX nodes incl. subgraphs and functions, tfjs-graph nodes, tfjs layers). */
  maxNodes: number;
  /** Deepest nesting of ONNX subgraphs / tfjs configs we walk. */
  maxDepth: number;
}

export const DEFAULT_MODEL_BUNDLE_LIMITS: ModelBundleLimits = {
  maxEntries: 256,
  maxTotalBytes: 300 * 1024 * 1024,
  maxEntryBytes: 300 * 1024 * 1024,
  maxCompressionRatio: 100,
  ratioFloorBytes: 1024 * 1024,
  maxJsonBytes: 20 * 1024 * 1024,
  maxTensorBytes: 256 * 1024 * 1024,
  maxNodes: 100_000,
  maxDepth: 32,
};

export function resolveLimits(partial?: Partial<ModelBundleLimits>): ModelBundleLimits {
  return { ...DEFAULT_MODEL_BUNDLE_LIMITS, ...partial };
}

export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return "an unbounded number of bytes";
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(2)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}
