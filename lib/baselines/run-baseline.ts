import type { Db } from "../db/client";
import type { BlobStore } from "../storage/blob-store";
import { submitBaseline, type SubmitBaselineResult } from "./submit-baseline";
import type { BaselineArtifact, BaselineDefinition, BaselineRunOptions } from "./types";

export interface RunBaselineOptions extends BaselineRunOptions {
  db: Db;
  baseline: BaselineDefinition;
  dataDir?: string;
  store?: BlobStore;
  /** Called with the trained file before it is submitted (e.g. to keep a copy on disk). */
  onArtifact?: (artifact: BaselineArtifact) => void;
}

export interface RunBaselineResult extends SubmitBaselineResult {
  artifact: BaselineArtifact;
}

/** Trains one baseline on a prepared build's cache and submits its file as the baseline's entry. */
export async function runBaseline(options: RunBaselineOptions): Promise<RunBaselineResult> {
  const { baseline, db } = options;
  const artifact = await baseline.run(options);
  options.onArtifact?.(artifact);
  const f1 = artifact.validation.main.toFixed(4);
  const result = await submitBaseline({
    db,
    name: baseline.name,
    title: baseline.title,
    description: baseline.description,
    kind: artifact.kind,
    fileName: artifact.fileName,
    bytes: artifact.bytes,
    manifestJson: artifact.manifestJson,
    submissionDescription: `${baseline.title}: held-out main score ${f1}, trained in ${artifact.trainSeconds.toFixed(1)} s`,
    dataDir: options.dataDir,
    store: options.store,
  });
  return { ...result, artifact };
}
