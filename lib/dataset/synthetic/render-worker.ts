/**
 * Worker-thread entry: renders the chunks the main thread sends and transfers the PNG bytes
 * back. Started by render-pool.ts through lib/workers (bundled, so it runs the same under tsx,
 * vitest and the production server).
 */
import { parentPort } from "node:worker_threads";
import { renderChunk, type ChunkTask } from "./render-chunk";

const port = parentPort;
if (!port) throw new Error("render-worker.ts must run in a worker thread");

port.on("message", (msg: { id: number; task: ChunkTask }) => {
  try {
    const result = renderChunk(msg.task);
    port.postMessage({ id: msg.id, result }, [result.data.buffer as ArrayBuffer, result.offsets.buffer as ArrayBuffer]);
  } catch (e) {
    port.postMessage({ id: msg.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
port.postMessage({ ready: true });
