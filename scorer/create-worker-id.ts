import { randomBytes } from "node:crypto";
import os from "node:os";

/** hostname:pid:random — readable in the Job table, unique even when pids are reused across restarts. */
export function createWorkerId(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
}
