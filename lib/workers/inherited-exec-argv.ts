/**
 * The parent's Node flags minus the ones that load a TypeScript loader (tsx's `--require` and
 * `--import`, vitest's): a bundle needs none, and a loader registered in every worker costs
 * its start time (about 100 ms under tsx) for nothing. Memory and diagnostic flags still pass.
 */
const LOADER_FLAGS = ["--require", "-r", "--import", "--loader", "--experimental-loader"];

export function inheritedExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i];
    if (LOADER_FLAGS.includes(arg)) {
      i++; // and its value
      continue;
    }
    if (LOADER_FLAGS.some((f) => arg.startsWith(`${f}=`))) continue;
    out.push(arg);
  }
  return out;
}
