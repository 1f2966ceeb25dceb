/** Milliseconds spent per stage (a stage run twice adds up), for the manifest's `timings`. */
export class StageTimer {
  readonly timings: Record<string, number> = {};
  private readonly start = performance.now();

  async run<T>(stage: string, fn: () => Promise<T>): Promise<T> {
    const t = performance.now();
    try {
      return await fn();
    } finally {
      this.timings[stage] = Math.round((this.timings[stage] ?? 0) + performance.now() - t);
    }
  }

  /** Milliseconds since the timer was made. */
  total(): number {
    return Math.round(performance.now() - this.start);
  }
}
