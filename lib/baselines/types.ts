import type { Attribute } from "../challenge/definition";

/**
 * What every baseline trainer takes and gives back, so the CLI, `npm start` and the tests run
 * them all the same way (baseline-definitions.ts lists them).
 */

/** Class index per row for one attribute; -1 where the label is `n/a`. */
export type EncodedLabels = Record<Attribute, Int8Array>;

/** Predicted class index per row (CLASSES order), for each attribute. */
export type ClassPredictions = Record<Attribute, Uint8Array>;

export interface ValidationReport {
  /** Held-out rows of the train split the numbers were measured on. */
  rows: number;
  macroF1: Record<Attribute, number | null>;
  /** Mean of the available macro-F1s: the challenge's main score, on the held-out part. */
  main: number;
}

export interface EpochReport {
  epoch: number;
  epochs: number;
  /** Mean class-weighted cross-entropy over the attributes this epoch. */
  loss: number;
  validation: ValidationReport;
  /** Training images per second this epoch (baselines trained in batches only). */
  imagesPerSecond?: number;
}

/** One training step of a baseline trained in batches (the CNN), for progress bars. */
export interface BatchReport {
  epoch: number;
  epochs: number;
  /** Images of this epoch done so far, and in all. */
  images: number;
  imagesTotal: number;
  /** Training images per second since the epoch started (wall clock, data loading included). */
  imagesPerSecond: number;
  /** Mean loss over this epoch's batches so far. */
  loss: number;
}

export interface BaselineRunOptions {
  /** cache/ of the prepared build to train on (buildPaths(buildDir).cacheDir). */
  cacheDir: string;
  /** Default: the baseline's own. */
  epochs?: number;
  /** Seeds the held-out split and the training order. */
  seed?: number;
  /** Stage progress (feature extraction, batches): a stage name, done, total. */
  onProgress?: (stage: string, done: number, total: number) => void;
  onEpoch?: (report: EpochReport) => void;
  /** After each training batch (baselines trained in batches only). */
  onBatch?: (report: BatchReport) => void;
}

/** A trained baseline's submission file and what was measured while making it. */
export interface BaselineArtifact {
  kind: "csv" | "model";
  fileName: string;
  bytes: Uint8Array;
  manifestJson?: string;
  validation: ValidationReport;
  trainSeconds: number;
}

export interface BaselineDefinition {
  name: string;
  title: string;
  description: string;
  defaultEpochs: number;
  run(options: BaselineRunOptions): Promise<BaselineArtifact>;
}
