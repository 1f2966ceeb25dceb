import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * OS-level walls around the sandbox child, below Node's permission model. The permission model
 * only guards JavaScript: onnxruntime is native code parsing untrusted protobuf, and a parser bug
 * would run outside it. So, where the OS lets us:
 *
 * - a new network namespace (no interfaces, not even loopback up): nothing to exfiltrate to;
 * - a private mount namespace in which the secret folders (by default the `hidden/` folder next
 *   to the test cache) are covered by an empty, unreadable tmpfs: even native code sees nothing.
 *
 * As root this is `unshare --net --mount`; otherwise an unprivileged user namespace
 * (`--map-root-user`) where the kernel allows it; otherwise nothing, and the caller reports it.
 */

export interface OsIsolation {
  kind: "root" | "user-namespace" | "none";
  /** Wraps a command so it runs isolated, with `maskPaths` hidden. */
  wrap(command: string[], maskPaths: string[]): string[];
}

// Runs in the new namespaces before the sandbox starts: mask each path, then exec the command.
// mode=000 and size=4k: an empty folder nobody can list, which cannot be filled.
const MASK_SCRIPT = 'while [ "$1" != "--" ]; do mount -t tmpfs -o size=4k,mode=000 tp-masked "$1" || exit 97; shift; done; shift; exec "$@"';
export const MASK_FAILED_EXIT = 97;

const VARIANTS: { kind: OsIsolation["kind"]; flags: string[] }[] = [
  { kind: "root", flags: ["--net", "--mount", "--propagation", "private"] },
  { kind: "user-namespace", flags: ["--map-root-user", "--net", "--mount", "--propagation", "private"] },
];

let cached: OsIsolation | undefined;

export function osIsolation(): OsIsolation {
  if (cached) return cached;
  const probeDir = fs.mkdtempSync(path.join(os.tmpdir(), "tp-isolation-probe-"));
  try {
    for (const v of VARIANTS) {
      const wrap = (command: string[], maskPaths: string[]) => ["unshare", ...v.flags, "--", "sh", "-c", MASK_SCRIPT, "tp-sandbox", ...maskPaths, "--", ...command];
      const r = spawnSync(wrap(["true"], [probeDir])[0], wrap(["true"], [probeDir]).slice(1), { stdio: "ignore", timeout: 10_000 });
      if (r.status === 0) return (cached = { kind: v.kind, wrap });
    }
  } finally {
    fs.rmSync(probeDir, { recursive: true, force: true });
  }
  return (cached = { kind: "none", wrap: (command) => command });
}
