/**
 * Worker-thread entry of png-worker-pool.ts (started through lib/workers): runs the batches the
 * main thread sends and moves the results back.
 */
import { parentPort } from "node:worker_threads";
import { runPngBatch, type PngBatchRequest } from "./run-png-batch";

const port = parentPort;
if (!port) throw new Error("png-worker.ts must run in a worker thread");

port.on("message", (m: { id: number; req: PngBatchRequest }) => {
  try {
    const r = runPngBatch(m.req);
    port.postMessage({ id: m.id, ok: true, result: r }, [
      r.data.buffer as ArrayBuffer,
      r.offsets.buffer as ArrayBuffer,
      r.failed.buffer as ArrayBuffer,
    ]);
  } catch (err) {
    port.postMessage({ id: m.id, ok: false, message: err instanceof Error ? err.message : String(err) });
  }
});
