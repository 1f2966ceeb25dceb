import { z } from "zod";

/**
 * Schemas of the JSON files of a prepared build. They are written and read through these
 * schemas, so a reader fails loudly on a build from an incompatible version instead of
 * misreading it.
 */

export const MANIFEST_VERSION = 1;

const countsByValue = z.record(z.string(), z.number().int().nonnegative());
/** Per attribute, per value (the `n/a` value included), how many rows. */
export const labelCountsSchema = z.object({
  Gender: countsByValue,
  Hair_Color: countsByValue,
  Hair_Type: countsByValue,
});
export type LabelCounts = z.infer<typeof labelCountsSchema>;

export const downloadKindSchema = z.enum(["train-zip", "test-zip", "sample-submission", "checksums"]);
export type DownloadKind = z.infer<typeof downloadKindSchema>;

export const downloadSchema = z.object({
  /** File name inside public/, also the name the browser saves. */
  name: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  kind: downloadKindSchema,
  description: z.string(),
});
export type DatasetDownload = z.infer<typeof downloadSchema>;

export const skippedRowSchema = z.object({
  code: z.string(),
  message: z.string(),
  line: z.number().int().optional(),
  imageIndex: z.number().int().optional(),
});

export const datasetManifestSchema = z.object({
  version: z.literal(MANIFEST_VERSION),
  buildId: z.string(),
  createdAt: z.string(),
  source: z.object({
    kind: z.enum(["synthetic", "real"]),
    /** Absolute path of the source folder at prepare time (informational). */
    path: z.string(),
    layout: z.enum(["images-folder", "zips"]),
    /** Content of the synthetic marker file when it is JSON (generator version, seed ...). */
    marker: z.unknown().optional(),
  }),
  /** sha256 of the split seed: tells whether two builds used the same seed, never the seed. */
  splitSeedHash: z.string().regex(/^[0-9a-f]{64}$/),
  image: z.object({ width: z.number().int(), height: z.number().int(), channels: z.number().int() }),
  split: z.object({
    testFraction: z.number(),
    publicFractionOfTest: z.number(),
    strata: z.array(z.string()),
  }),
  counts: z.object({
    total: z.number().int(),
    train: z.number().int(),
    test: z.number().int(),
    public: z.number().int(),
    private: z.number().int(),
  }),
  labelCounts: z.object({
    train: labelCountsSchema,
    test: labelCountsSchema,
    public: labelCountsSchema,
    private: labelCountsSchema,
  }),
  downloads: z.array(downloadSchema),
  report: z.object({
    warnings: z.array(z.string()),
    /** Rows left out with skipBadRows (capped; skippedCount is the full number). */
    skipped: z.array(skippedRowSchema),
    skippedCount: z.number().int(),
  }),
  /** Milliseconds per stage of the prepare, plus `total`. */
  timings: z.record(z.string(), z.number()),
});
export type DatasetManifest = z.infer<typeof datasetManifestSchema>;

/** What both tensor caches' metadata say: how many images, of which shape. */
const tensorCacheShape = {
  count: z.number().int().nonnegative(),
  height: z.number().int().positive(),
  width: z.number().int().positive(),
  channels: z.number().int().positive(),
};

/** cache/train.json: the rows of train.u8, in order. */
export const trainCacheMetaSchema = z.object({
  ...tensorCacheShape,
  indices: z.array(z.number().int().nonnegative()),
});
export type TrainCacheMeta = z.infer<typeof trainCacheMetaSchema>;

/** cache/test.json: only opaque ids, because the model sandbox may read it. */
export const testCacheMetaSchema = z.object({
  ...tensorCacheShape,
  ids: z.array(z.string()),
});
export type TestCacheMeta = z.infer<typeof testCacheMetaSchema>;
