/**
 * Runs the Prisma CLI for one engine, always with that engine's prisma.config.ts (without
 * `--config` the 6.x CLI tries to download engine binaries) and with telemetry and update
 * checks off (no network here, and no surprise latency).
 */
import { execFile } from "node:child_process";
import path from "node:path";
import type { Engine } from "./engine";
import { prismaCliPath, prismaConfigPath, projectRoot } from "./paths";

export interface PrismaCliResult {
  stdout: string;
  stderr: string;
  /** Process exit code (`migrate diff --exit-code` uses 2 for "not empty"). */
  code: number;
}

export class PrismaCliError extends Error {
  constructor(
    readonly args: string[],
    readonly result: PrismaCliResult,
  ) {
    super(`prisma ${args.join(" ")} failed (exit ${result.code}):\n${(result.stderr || result.stdout).trim()}`);
    this.name = "PrismaCliError";
  }
}

export interface RunPrismaCliOptions {
  engine: Engine;
  args: string[];
  /** The database the config's adapter connects to (DATABASE_URL of the child process). */
  databaseUrl: string;
  /** Exit codes that are not failures (default [0]). */
  okCodes?: number[];
}

export function runPrismaCli({ engine, args, databaseUrl, okCodes = [0] }: RunPrismaCliOptions): Promise<PrismaCliResult> {
  const fullArgs = [...args, "--config", prismaConfigPath(engine)];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      // The preload stops a stray 10 s timer in the schema engine from delaying every exit.
      ["--require", path.join(projectRoot(), "lib", "db", "prisma-cli-preload.cjs"), prismaCliPath(), ...fullArgs],
      {
        cwd: projectRoot(),
        env: {
          ...process.env,
          DATABASE_URL: databaseUrl,
          CHECKPOINT_DISABLE: "1",
          PRISMA_HIDE_UPDATE_MESSAGE: "1",
          NO_COLOR: "1",
        },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        const result = { stdout, stderr, code };
        if (okCodes.includes(code)) resolve(result);
        else reject(new PrismaCliError(args, result));
      },
    );
  });
}
