import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import type { WorkerEvent } from "../../scorer/worker";

/**
 * Starts `scorer/main.ts --events` as a separate Node process (node --import tsx, one process:
 * the tsx CLI would add a wrapper process that a SIGKILL would not reach through) and collects
 * its JSON event lines. For the multi-process tests and the benchmark.
 */
export interface WorkerProcess {
  child: ChildProcess;
  /** Set once the process printed its "started" line. */
  workerId?: string;
  events: (WorkerEvent & { workerId: string })[];
  stderr: string[];
  /** Resolves when the worker is up (its loop is about to poll). */
  started: Promise<string>;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  exited: Promise<number | string>;
  /** Resolves once an event matching `predicate` has arrived. */
  waitFor(predicate: (e: WorkerEvent & { workerId: string }) => boolean, timeoutMs?: number): Promise<WorkerEvent & { workerId: string }>;
}

const ROOT = path.resolve(__dirname, "..", "..");

export function spawnWorkerProcess(options: {
  databaseUrl: string;
  dataDir: string;
  args?: string[];
  env?: Record<string, string>;
}): WorkerProcess {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scorer", "main.ts"), "--events", ...(options.args ?? [])], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      DATA_DIR: options.dataDir,
      EMBEDDED_SCORER: "0",
      NODE_OPTIONS: "",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const events: WorkerProcess["events"] = [];
  const stderr: string[] = [];
  const waiters: { predicate: (e: WorkerProcess["events"][number]) => boolean; resolve: (e: WorkerProcess["events"][number]) => void }[] =
    [];
  let resolveStarted!: (id: string) => void;
  let rejectStarted!: (e: Error) => void;
  const started = new Promise<string>((res, rej) => {
    resolveStarted = res;
    rejectStarted = rej;
  });
  started.catch(() => {});
  const proc: WorkerProcess = {
    child,
    events,
    stderr,
    started,
    exited: new Promise((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal ?? "unknown"))),
    waitFor(predicate, timeoutMs = 60_000) {
      const found = events.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`worker event not seen within ${timeoutMs} ms; stderr:\n${stderr.slice(-20).join("\n")}`)),
          timeoutMs,
        );
        waiters.push({
          predicate,
          resolve: (e) => {
            clearTimeout(timer);
            resolve(e);
          },
        });
      });
    },
  };
  readline.createInterface({ input: child.stdout }).on("line", (line) => {
    let parsed: { type: string; workerId: string };
    try {
      parsed = JSON.parse(line);
    } catch {
      return;
    }
    if (parsed.type === "started") {
      proc.workerId = parsed.workerId;
      resolveStarted(parsed.workerId);
      return;
    }
    const event = parsed as WorkerProcess["events"][number];
    events.push(event);
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i].predicate(event)) {
        waiters[i].resolve(event);
        waiters.splice(i, 1);
      }
    }
  });
  readline.createInterface({ input: child.stderr }).on("line", (line) => stderr.push(line));
  void proc.exited.then((code) => rejectStarted(new Error(`worker exited (${code}) before starting:\n${stderr.slice(-20).join("\n")}`)));
  return proc;
}
