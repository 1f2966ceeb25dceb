/**
 * Child-process fixture of lib/ml/select-backend.test.ts: a fresh process (no backend started
 * yet) asks for wasm with binaries that do not exist, strictly and then with allowCpu, and
 * prints what happened as one RESULT line.
 */
import { selectTrainingBackend } from "@/lib/ml/select-backend";

async function main(): Promise<void> {
  const out: { strict?: string; fallback?: string; reason?: string } = {};
  try {
    await selectTrainingBackend({ backend: "wasm", wasmDir: "/nonexistent/wasm" });
    out.strict = "started";
  } catch (e) {
    out.strict = e instanceof Error ? e.message : String(e);
  }
  const b = await selectTrainingBackend({ backend: "wasm", wasmDir: "/nonexistent/wasm", allowCpu: true }).catch((e: unknown) => ({
    backend: `error: ${e instanceof Error ? e.message : String(e)}`,
    fallbackReason: undefined,
  }));
  out.fallback = b.backend;
  out.reason = b.fallbackReason;
  process.stdout.write(`RESULT${JSON.stringify(out)}\n`);
}

void main();
