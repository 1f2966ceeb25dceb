import fs from "node:fs";

/**
 * Processes below a given pid, read from /proc, so sandbox tests look only at the processes they
 * started themselves (other test files run sandboxes in parallel on the same machine).
 */
export function descendantPids(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = parentPid(Number(entry));
    if (ppid === undefined) continue;
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
  }
  const out: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length) {
    const pid = queue.shift()!;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** The sandbox's Node child below `root` (its command line runs the bundled sandbox entry). */
export function sandboxNodePid(root: number): number | undefined {
  return descendantPids(root).find((pid) => {
    const argv = readProc(pid, "cmdline")?.split("\0") ?? [];
    return argv[0]?.endsWith("node") && argv.some((a) => /sandbox-entry[^/]*\.cjs$/.test(a));
  });
}

/** `Name: value` lines of /proc/<pid>/status. */
export function procStatus(pid: number): Record<string, string> {
  const text = readProc(pid, "status") ?? "";
  return Object.fromEntries(
    text
      .split("\n")
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()]),
  );
}

function parentPid(pid: number): number | undefined {
  const stat = readProc(pid, "stat");
  if (!stat) return undefined;
  // The command name (field 2) may hold spaces and parentheses: fields after its last ")".
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return undefined;
  }
}
