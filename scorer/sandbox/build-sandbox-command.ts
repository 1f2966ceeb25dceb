import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { cpuLimitSeconds } from "./classify-sandbox-exit";
import { seccompProgram } from "./seccomp-filter";

/**
 * The command line that starts something inside the sandbox: the OS wrapper (bubblewrap, or the
 * older unshare + masks), the privilege drop, the rlimits, then `command`. The scorer starts
 * Node this way; the escape tests start a shell through the very same function.
 *
 * Under bubblewrap a seccomp filter (seccomp-filter.ts) refuses namespaces, mounts, ptrace and
 * other kernel interfaces a model never needs, and the child's filesystem is built from nothing: the system's `/usr` (programs
 * and shared libraries, no data of ours) and the dynamic loader's cache, read-only; its own
 * `/proc`, a minimal `/dev`; empty tmpfs `/tmp` and HOME; and each of `readOnlyPaths`
 * (Node, the bundled child script, the runtime packages, the model bundle, test.u8) bound
 * read-only at the same path. Nothing else of the host exists in there: not the project, not
 * DATA_DIR with the database, the secrets, the uploads or the labels.
 */

/** The wrapper detectSandboxWalls() found working on this machine, and what it leaves open. */
export type SandboxWalls =
  | { wrapper: "bubblewrap"; asRoot: boolean; isolation: string }
  | { wrapper: "unshare"; unshareFlags: string[]; isolation: string }
  | { wrapper: "none"; isolation: string };

/** The unprivileged identity the child runs as under bubblewrap as root (Debian's `nobody`). */
export const SANDBOX_UID = 65534;
export const SANDBOX_GID = 65534;

export interface BuildSandboxCommandOptions {
  walls: SandboxWalls;
  /** What to run inside: an absolute program path or a name on PATH, and its arguments. */
  command: string[];
  /** Host files and folders the command needs, bound read-only at the same path. */
  readOnlyPaths: string[];
  /**
   * Folders that must be hidden: covered by an empty tmpfs where they would otherwise be visible
   * (the unshare wrapper shows the whole host; under bubblewrap only a folder inside a bound
   * system folder such as /usr would be).
   */
  maskPaths: string[];
  /** Working folder of the command (must be visible inside). */
  cwd: string;
  limits: { memoryMb: number; cpuSeconds: number };
}

export interface SandboxCommand {
  argv: string[];
  env: Record<string, string>;
  /**
   * To be written to the command's standard input (then closed): bubblewrap reads the seccomp
   * filter from there (`--seccomp 0`) before it starts the command.
   */
  stdin?: Buffer;
}

export const SANDBOX_HOME = "/home/sandbox";
/** Size of the child's private /tmp and HOME: a few files, never a place to store anything. */
const SCRATCH_TMPFS_BYTES = 1024 * 1024;
/** The unshare wrapper's mask script exits with this when a mount fails. */
export const MASK_FAILED_EXIT = 97;
// mode=000 and size=4k: an empty folder nobody can list, which cannot be filled.
const MASK_SCRIPT = `while [ "$1" != "--" ]; do mount -t tmpfs -o size=4k,mode=000 tp-masked "$1" || exit ${MASK_FAILED_EXIT}; shift; done; shift; exec "$@"`;
const SYSTEM_DIRS = ["/usr"];
/** Merged-/usr systems have these as symlinks into /usr; older ones as folders. */
const SYSTEM_LINKS = ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];

export function buildSandboxCommand(options: BuildSandboxCommandOptions): SandboxCommand {
  const { walls } = options;
  const env: Record<string, string> = {
    PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    LANG: "C.UTF-8",
    HOME: SANDBOX_HOME,
    TMPDIR: "/tmp",
    // onnxruntime 1.2x+ otherwise starts a telemetry client that creates /tmp/mat-debug-<pid>.log,
    // a SQLite database under ~/.cache/Microsoft/DeveloperTools/ and reads /etc/machine-id.
    ORT_DISABLE_TELEMETRY: "1",
  };
  const cpu = cpuLimitSeconds(options.limits.cpuSeconds);
  const limited = [
    "prlimit",
    `--data=${Math.floor(options.limits.memoryMb * 1024 * 1024)}`,
    // Soft limit: SIGXCPU (terminates Node); hard limit a second later: SIGKILL.
    `--cpu=${cpu}:${cpu + 1}`,
    "--core=0",
    "--fsize=0",
    "--",
  ];

  if (walls.wrapper === "bubblewrap") {
    const drop = walls.asRoot
      ? [
          "setpriv",
          `--reuid=${SANDBOX_UID}`,
          `--regid=${SANDBOX_GID}`,
          "--clear-groups",
          "--inh-caps=-all",
          "--bounding-set=-all",
          "--no-new-privs",
          "--pdeathsig",
          "KILL",
          "--",
        ]
      : [];
    const seccomp = seccompProgram();
    const argv = [
      "bwrap",
      ...bubblewrapNamespaces(walls.asRoot),
      ...(seccomp ? ["--seccomp", "0"] : []),
      // If the scorer dies, even by SIGKILL, the kernel kills the whole sandbox (a JS watchdog
      // cannot do this: inference may block the event loop).
      "--die-with-parent",
      "--new-session",
      ...bubblewrapFilesystem(options),
      "--chdir",
      options.cwd,
      "--",
      ...drop,
      ...limited,
      ...options.command,
    ];
    return { argv, env, stdin: seccomp };
  }

  // Every wrapper execs, so the scorer stays the sandbox's parent and the parent-death signal
  // reaches the command itself.
  const inner = [...limited, ...(hasSetpriv() ? ["setpriv", "--pdeathsig", "KILL", "--"] : []), ...options.command];
  if (walls.wrapper === "none") return { argv: inner, env };
  return {
    argv: ["unshare", ...walls.unshareFlags, "--", "sh", "-c", MASK_SCRIPT, "tp-sandbox", ...options.maskPaths, "--", ...inner],
    env,
  };
}

function bubblewrapNamespaces(asRoot: boolean): string[] {
  const flags = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"];
  // As an ordinary user bubblewrap needs a user namespace; then forbid nesting another one. As
  // root there is none (it would map the sandbox user to host root); setpriv drops instead.
  return asRoot ? flags : ["--unshare-user", "--disable-userns", ...flags];
}

function bubblewrapFilesystem(options: BuildSandboxCommandOptions): string[] {
  const args: string[] = [];
  const bound: string[] = [];
  for (const dir of SYSTEM_DIRS) {
    args.push("--ro-bind", dir, dir);
    bound.push(dir);
  }
  for (const link of SYSTEM_LINKS) {
    const stat = fs.lstatSync(link, { throwIfNoEntry: false });
    if (!stat) continue;
    if (stat.isSymbolicLink()) args.push("--symlink", fs.readlinkSync(link), link);
    else if (stat.isDirectory()) {
      args.push("--ro-bind", link, link);
      bound.push(link);
    }
  }
  // bubblewrap creates missing parents of a mount point as 0700, which the unprivileged child
  // could not enter: create them first, world-searchable (they hold nothing but mount points).
  args.push("--perms", "0755", "--dir", "/etc");
  args.push("--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache");
  args.push("--proc", "/proc", "--dev", "/dev");
  for (const scratch of ["/tmp", SANDBOX_HOME]) args.push("--perms", "1777", "--size", String(SCRATCH_TMPFS_BYTES), "--tmpfs", scratch);
  // A secret folder inside a bound system folder (a project under /usr/src, say) is covered.
  for (const mask of options.maskPaths) {
    if (bound.some((b) => isInside(mask, b))) args.push("--perms", "0000", "--size", "4096", "--tmpfs", mask);
  }
  // Parents before children, so a child bind is not hidden under its parent's.
  const paths = [...new Set(options.readOnlyPaths.map((p) => fs.realpathSync(p)))].sort((a, b) => a.length - b.length);
  const mounted = ["/tmp", SANDBOX_HOME, "/etc"];
  const parents = new Set<string>();
  for (const p of paths) {
    for (let dir = path.dirname(p); dir !== "/" && !bound.some((b) => isInside(dir, b)); dir = path.dirname(dir)) {
      if (!mounted.includes(dir)) parents.add(dir);
    }
  }
  for (const dir of [...parents].sort((a, b) => a.length - b.length)) args.push("--perms", "0755", "--dir", dir);
  for (const p of paths) args.push("--ro-bind", p, p);
  args.push("--remount-ro", "/");
  return args;
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

let setprivAvailable: boolean | undefined;
function hasSetpriv(): boolean {
  setprivAvailable ??= spawnSync("setpriv", ["--version"], { stdio: "ignore" }).status === 0;
  return setprivAvailable;
}
