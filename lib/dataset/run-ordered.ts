/**
 * Runs `produce(i)` for i = 0..count-1 with at most `concurrency` in flight and hands the
 * results to `consume` strictly in order. Decoding and encoding overlap on libuv's thread
 * pool (both cores busy) while outputs that must be ordered (zip entries) are written in a
 * single, predictable sequence. Memory is bounded by `concurrency` results.
 *
 * `produce` must not reject (return the error as a value): a rejection would stop the run.
 */
export async function runOrdered<R>(
  count: number,
  concurrency: number,
  produce: (i: number) => Promise<R>,
  consume: (result: R, i: number) => Promise<void> | void,
): Promise<void> {
  const window: Promise<R>[] = [];
  let next = 0;
  let done = 0;
  try {
    while (done < count) {
      while (window.length < concurrency && next < count) window.push(produce(next++));
      const result = await window.shift()!;
      await consume(result, done++);
    }
  } finally {
    // On a failure in consume, let in-flight work settle so nothing touches closed files later.
    await Promise.allSettled(window);
  }
}
