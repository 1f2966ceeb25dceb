import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildSandboxCommand, type SandboxWalls } from "./build-sandbox-command";

/**
 * Which OS walls this machine can put around the sandbox child, found once per process by
 * starting the real wrapper on `true`. Best first:
 *
 * - bubblewrap as root: a fresh root filesystem holding only what the child needs, new PID,
 *   network, IPC, UTS and cgroup namespaces, then `setpriv` drops to an unprivileged uid/gid
 *   with no capabilities and no-new-privs. `isolation: "full"`.
 * - bubblewrap as an ordinary user, in a user namespace: the same filesystem and namespaces, but
 *   the child keeps the scorer's own uid.
 * - `unshare --net --mount` with empty tmpfs masks over the secret folders (the walls before
 *   bubblewrap): no network, masked folders, but the host's filesystem, PID namespace and uid.
 * - nothing: only Node's permission model and the rlimits.
 *
 * Every level below the first says why in `isolation`, which each run reports in its stats.
 */

const UNSHARE_VARIANTS = [
  { asRoot: true, flags: ["--net", "--mount", "--propagation", "private"] },
  { asRoot: false, flags: ["--map-root-user", "--net", "--mount", "--propagation", "private"] },
];

export const BUBBLEWRAP_MISSING = "bubblewrap is not installed (as root: apt-get install -y bubblewrap)";

let cached: SandboxWalls | undefined;

export function detectSandboxWalls(): SandboxWalls {
  cached ??= probeWalls();
  return cached;
}

function probeWalls(): SandboxWalls {
  const asRoot = process.getuid?.() === 0;
  const probeDir = fs.mkdtempSync(path.join(os.tmpdir(), "tp-isolation-probe-"));
  try {
    const works = (walls: SandboxWalls) => {
      const { argv, env, stdin } = buildSandboxCommand({
        walls,
        command: ["true"],
        readOnlyPaths: [],
        maskPaths: [probeDir],
        cwd: "/",
        limits: { memoryMb: 256, cpuSeconds: 5 },
      });
      const r = spawnSync(argv[0], argv.slice(1), {
        stdio: ["pipe", "ignore", "pipe"],
        input: stdin ?? "",
        env: env as NodeJS.ProcessEnv,
        timeout: 10_000,
        encoding: "utf8",
      });
      return { ok: r.status === 0, why: (r.error?.message ?? r.stderr ?? "").trim().split("\n")[0] };
    };
    let bubblewrapProblem = BUBBLEWRAP_MISSING;
    if (hasCommand("bwrap")) {
      const walls: SandboxWalls = asRoot
        ? { wrapper: "bubblewrap", asRoot, isolation: "full" }
        : {
            wrapper: "bubblewrap",
            asRoot,
            isolation:
              "partial: the scorer is not root, so the model runs under the scorer's own uid (only the private filesystem keeps the scorer's files out of reach)",
          };
      const r = works(walls);
      if (r.ok) return walls;
      bubblewrapProblem = `bubblewrap could not start (${r.why || "no reason given"})`;
    }
    for (const v of UNSHARE_VARIANTS) {
      if (v.asRoot !== asRoot) continue;
      const walls: SandboxWalls = {
        wrapper: "unshare",
        unshareFlags: v.flags,
        isolation: `partial: ${bubblewrapProblem}; the model runs as uid ${process.getuid?.()} in the host's filesystem and PID namespace, with only the network and the masked folders walled off`,
      };
      if (works(walls).ok) return walls;
    }
    return {
      wrapper: "none",
      isolation: `partial: ${bubblewrapProblem} and no namespaces are available (neither root nor user namespaces): only Node's permission model and the rlimits hold`,
    };
  } finally {
    fs.rmSync(probeDir, { recursive: true, force: true });
  }
}

export function hasCommand(name: string): boolean {
  return spawnSync(name, ["--version"], { stdio: "ignore" }).status === 0;
}
