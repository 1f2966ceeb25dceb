import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { bundleWorkerEntry, type BundleWorkerEntryOptions } from "./bundle-worker-entry";
import { inheritedExecArgv } from "./inherited-exec-argv";

export interface SpawnWorkerProcessOptions extends BundleWorkerEntryOptions {
  /** Arguments after the script (its `process.argv.slice(2)`). */
  args?: string[];
  /** Node flags (default: the parent's, without TypeScript loaders). */
  execArgv?: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  stdio?: StdioOptions;
  detached?: boolean;
  /**
   * Wraps the command line before it runs, e.g. `(cmd) => ["nice", "-n", "19", ...cmd]`. Each
   * wrapper should exec, so the child stays this process's child.
   */
  wrap?: (command: string[]) => string[];
}

/**
 * Starts `node <bundle of entry> ...args` as a child process (the entry is bundled on first
 * use, see bundle-worker-entry.ts). The child is plain Node: no tsx between this process and
 * it, so signals reach it directly and its parent is this process.
 */
export async function spawnWorkerProcess(options: SpawnWorkerProcessOptions): Promise<ChildProcess> {
  const { args = [], execArgv, env, cwd, stdio, detached, wrap, ...bundle } = options;
  const { file } = await bundleWorkerEntry(bundle);
  const plain = [process.execPath, ...(execArgv ?? inheritedExecArgv()), file, ...args];
  const command = wrap ? wrap(plain) : plain;
  return spawn(command[0], command.slice(1), { env, cwd, stdio, detached });
}
