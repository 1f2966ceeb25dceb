import { metrics } from "./metrics";

/** Counts one model run in the sandbox: its outcome, and for a successful run its images and speed. */
export function recordSandboxRun(run: { outcome: string; images?: number; imagesPerSecond?: number }): void {
  const m = metrics();
  m.sandboxRuns.inc({ outcome: run.outcome });
  if (run.images !== undefined) m.sandboxImages.inc(run.images);
  if (run.imagesPerSecond !== undefined && Number.isFinite(run.imagesPerSecond)) m.sandboxImagesPerSecond.observe(run.imagesPerSecond);
}
