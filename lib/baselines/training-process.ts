/**
 * The background trainer as ensureCnnBaseline sees it. The real one (baselines/spawn-cnn-training.ts)
 * starts the `npm run baselines` CLI, which lib/ must not depend on, so the caller injects it.
 */

/** A running background trainer, as ensureCnnBaseline sees it (tests inject a fake one). */
export interface TrainingProcess {
  pid: number;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  kill(): void;
}

export interface SpawnCnnTrainingOptions {
  /** The project folder (where baselines/main.ts and node_modules are). */
  root: string;
  dataDir: string;
  epochs?: number;
  /** Each line the trainer prints (stdout and stderr). */
  onLine: (line: string) => void;
}

export type SpawnCnnTraining = (options: SpawnCnnTrainingOptions) => TrainingProcess | Promise<TrainingProcess>;
