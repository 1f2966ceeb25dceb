import { Worker, type ResourceLimits } from "node:worker_threads";
import { bundleWorkerEntry, type BundleWorkerEntryOptions } from "./bundle-worker-entry";
import { inheritedExecArgv } from "./inherited-exec-argv";

export interface StartWorkerThreadOptions extends BundleWorkerEntryOptions {
  workerData?: unknown;
  /** Node flags of the thread (default: the parent's, without TypeScript loaders). */
  execArgv?: string[];
  resourceLimits?: ResourceLimits;
  /** Environment of the thread (default: shared with the parent, as Node does). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts a worker thread on a TypeScript entry module (bundled on first use, see
 * bundle-worker-entry.ts). Resolves once the thread is created; the entry's own messages say
 * when it is ready. Rejects when the entry cannot be bundled (a syntax error, a missing import).
 */
export async function startWorkerThread(options: StartWorkerThreadOptions): Promise<Worker> {
  const { workerData, execArgv, resourceLimits, env, ...bundle } = options;
  const { file } = await bundleWorkerEntry(bundle);
  return new Worker(file, {
    workerData,
    execArgv: execArgv ?? inheritedExecArgv(),
    resourceLimits,
    ...(env ? { env } : {}),
  });
}
