/**
 * Learning rate at `step` of `totalSteps`: a linear warm-up from peak/10 over the first
 * `warmupSteps` (default 3% of the run, at most 300: Adam's first moments and batch-norm
 * statistics settle before the big steps), then a cosine decay to `floor` x peak (default 2%),
 * so the last epochs settle instead of jittering.
 */
export function cosineLearningRate(options: {
  step: number;
  totalSteps: number;
  peak: number;
  warmupSteps?: number;
  floor?: number;
}): number {
  const { step, totalSteps, peak } = options;
  const warmup = Math.max(1, Math.min(options.warmupSteps ?? Math.round(totalSteps * 0.03), 300, totalSteps));
  const floor = options.floor ?? 0.02;
  if (step < warmup) return peak * (0.1 + (0.9 * step) / warmup);
  const t = Math.min(1, (step - warmup) / Math.max(1, totalSteps - warmup));
  return peak * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * t)));
}
