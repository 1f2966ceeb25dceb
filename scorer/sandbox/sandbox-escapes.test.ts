import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HIDDEN_SECRET, makeManifest, safeColors, writeOnnxBundle, writeTestCache } from "@/test-support/models/model-fixtures";
import { procStatus, sandboxNodePid } from "@/test-support/sandbox/process-tree";
import { detectSandboxWalls } from "./detect-sandbox-walls";
import { planSandboxRun, runModelInSandbox } from "./run-model-in-sandbox";

/**
 * The sandbox must hold against native code: onnxruntime parses untrusted protobuf in C++, and
 * Node's permission model does not see what a parser bug would do. Here a shell script stands in
 * for native code that took over the child. It is started through the scorer's own plan for a
 * real model run (planSandboxRun().commandFor: the same wrapper, namespaces, privilege drop,
 * rlimits and mounts, plus the script file), and tries each escape found against the older
 * unshare-and-mask sandbox.
 */

const walls = detectSandboxWalls();
// Only a machine that cannot give the walls at all (not root, no user namespaces) may skip.
// Missing bubblewrap is not such a case: npm test installs it, and these tests fail without it.
const skipWhy = walls.wrapper === "none" ? walls.isolation : undefined;
if (skipWhy) console.warn(`sandbox-escapes.test.ts skipped: ${skipWhy}`);

let dataDir: string;
let cacheDir: string;
let hiddenFile: string;
let bundle: string;
let outside: string;

beforeAll(() => {
  // Laid out like DATA_DIR: the build's test cache and hidden labels, the database, the secrets.
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tp-escape-test-"));
  ({ cacheDir, hiddenFile } = writeTestCache(path.join(dataDir, "builds", "b1"), safeColors(16, 3)));
  fs.writeFileSync(path.join(dataDir, "platform.db"), "SQLITE-DATABASE-MUST-NOT-LEAK");
  fs.mkdirSync(path.join(dataDir, "secrets"));
  fs.writeFileSync(path.join(dataDir, "secrets", "split-seed"), "SPLIT-SEED-MUST-NOT-LEAK");
  bundle = path.join(dataDir, "work", "bundle");
  writeOnnxBundle(bundle, { manifest: makeManifest("onnx", { batchSize: 64 }), heads: "separate", fault: "loop-forever" });
  // A host folder anyone may write to: the sandbox must still not create or change files in it.
  outside = path.join(dataDir, "outside");
  fs.mkdirSync(outside, { mode: 0o777 });
  fs.chmodSync(outside, 0o777);
  fs.writeFileSync(path.join(outside, "victim.txt"), "UNTOUCHED");
  fs.chmodSync(path.join(outside, "victim.txt"), 0o666);
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** Each line `name<TAB>ok|denied<TAB>output`: whether the attempt succeeded. */
const ESCAPES = String.raw`
try() { name=$1; shift; out=$("$@" 2>&1); if [ $? -eq 0 ]; then r=ok; else r=denied; fi; printf '%s\t%s\t%s\n' "$name" "$r" "$(printf %s "$out" | tr '\n\t' '  ' | cut -c1-3000)"; }
try id-u id -u
try capeff grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status
try new-user-namespace unshare -Ur true
try new-mount-namespace unshare -m true
try ptrace-pid1 cat /proc/1/mem
try proc-list sh -c 'for p in /proc/[0-9]*; do printf "%s=%s " "\${p#/proc/}" "$(cat $p/comm)"; done'
try read-labels cat "$HIDDEN"
try read-labels-host-proc cat "/proc/$HOSTPID/root$HIDDEN"
try read-labels-pid1-root cat "/proc/1/root$HIDDEN"
try find-data-dir find "$DATA"
try read-database cat "$DATA/platform.db"
try read-secret cat "$DATA/secrets/split-seed"
try umount-bundle umount "$BUNDLE"
try umount-tmp umount /tmp
try umount-in-new-userns unshare -Urm umount -l "$BUNDLE"
try nsenter-pid1-net nsenter --net=/proc/1/ns/net true
try nsenter-host-net nsenter --net=/proc/$HOSTPID/ns/net true
try nsenter-in-new-userns unshare -Ur nsenter --net=/proc/1/ns/net true
try net-interfaces sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | tr "\n" " "'
try create-host-file touch "$OUTSIDE/created-by-sandbox"
try truncate-host-file sh -c ": > '$OUTSIDE/victim.txt'"
try write-bundle sh -c ": > '$BUNDLE/model.onnx'"
try write-test-images sh -c ": > '$IMAGES'"
try write-file-content sh -c 'echo x > /tmp/tp-escape-probe'
try create-tmp-file touch /tmp/tp-escape-probe
`;

describe.skipIf(skipWhy)("the sandbox against native code (a shell under the exact sandbox wrapper)", () => {
  it("runs under bubblewrap", () => {
    expect(walls.wrapper, walls.isolation).toBe("bubblewrap");
  });

  it("refuses every escape: labels, database and secrets unreachable, no umount, no nsenter, no host writes, no other process", async () => {
    const planned = await planSandboxRun({
      bundleDir: bundle,
      testCacheDir: cacheDir,
      limits: { memoryMb: 512, cpuSeconds: 30, wallSeconds: 60, threads: 1 },
    });
    if (!planned.ok) throw new Error(planned.message);
    const script = path.join(dataDir, "work", "escape.sh");
    fs.writeFileSync(script, ESCAPES);
    fs.chmodSync(script, 0o644);
    const { argv, env, stdin } = planned.plan.commandFor(["/bin/sh", script], [script]);
    const r = spawnSync(argv[0], argv.slice(1), {
      input: stdin,
      cwd: bundle,
      env: {
        ...env,
        HIDDEN: hiddenFile,
        DATA: dataDir,
        BUNDLE: fs.realpathSync(bundle),
        OUTSIDE: outside,
        IMAGES: planned.plan.config.imagesFile,
        HOSTPID: String(process.pid),
      } as Record<string, string> as NodeJS.ProcessEnv,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const results = Object.fromEntries(
      r.stdout
        .split("\n")
        .filter(Boolean)
        .map((line) => {
          const [name, outcome, output] = line.split("\t");
          return [name, { outcome, output }];
        }),
    );
    const denied = (name: string) => expect(results[name]?.outcome, `${name}: ${results[name]?.output}`).toBe("denied");

    // Who the code runs as: an unprivileged uid with no capabilities and no-new-privs.
    if (process.getuid?.() === 0) expect(results["id-u"].output).toBe("65534");
    expect(results["id-u"].output).not.toBe("0");
    expect(results.capeff.output).toMatch(/CapEff:\s+0000000000000000/);
    expect(results.capeff.output).toMatch(/NoNewPrivs:\s+1/);
    // The seccomp filter (x86_64): no new namespaces at all, so nothing to umount or nsenter from.
    if (process.arch === "x64") {
      expect(results.capeff.output).toMatch(/Seccomp:\s+2/);
      for (const name of ["new-user-namespace", "new-mount-namespace"]) {
        denied(name);
        expect(results[name].output).toMatch(/Operation not permitted/);
      }
    }
    denied("ptrace-pid1");

    // Its own PID namespace: only the sandbox's init, the shell and what it started.
    const procs = results["proc-list"].output
      .trim()
      .split(" ")
      .map((e: string) => e.split("="));
    expect(procs.length).toBeLessThanOrEqual(5);
    for (const [, comm] of procs) expect(["bwrap", "sh", "cat", "setpriv", "prlimit"]).toContain(comm);

    // DATA_DIR does not exist in there: no labels, no database, no secrets, by any path.
    for (const name of ["read-labels", "read-labels-host-proc", "read-labels-pid1-root", "read-database", "read-secret"]) denied(name);
    // Only the empty folders leading to the two binds exist there (bubblewrap's mount points).
    const realBundle = fs.realpathSync(bundle);
    const visible = results["find-data-dir"].output
      .trim()
      .split(" ")
      .filter((p: string) => !p.startsWith(`${realBundle}/`));
    const expected = [...ancestorsWithin(dataDir, realBundle), ...ancestorsWithin(dataDir, planned.plan.config.imagesFile), script];
    expect(visible.sort()).toEqual([...new Set(expected)].sort());
    expect(r.stdout).not.toContain("SECRET-LABELS");
    expect(r.stdout).not.toContain("MUST-NOT-LEAK");

    // Mounts cannot be removed, not even from a new user namespace; no way back to another network.
    for (const name of [
      "umount-bundle",
      "umount-tmp",
      "umount-in-new-userns",
      "nsenter-pid1-net",
      "nsenter-host-net",
      "nsenter-in-new-userns",
    ])
      denied(name);
    expect(results["net-interfaces"].output.trim()).toBe("lo");

    // No host file created or truncated; the model and the test images are read-only.
    for (const name of ["create-host-file", "truncate-host-file", "write-bundle", "write-test-images"]) denied(name);
    expect(fs.existsSync(path.join(outside, "created-by-sandbox"))).toBe(false);
    expect(fs.readFileSync(path.join(outside, "victim.txt"), "utf8")).toBe("UNTOUCHED");
    expect(fs.statSync(path.join(bundle, "model.onnx")).size).toBeGreaterThan(0);
    expect(fs.readFileSync(hiddenFile, "utf8")).toBe(HIDDEN_SECRET);
    // Its private /tmp takes empty files (tools expect one) and vanishes with it; no content can
    // be written anywhere (RLIMIT_FSIZE=0).
    expect(results["create-tmp-file"].outcome).toBe("ok");
    expect(fs.existsSync("/tmp/tp-escape-probe")).toBe(false);
    denied("write-file-content");
  });

  it("scores a model as an unprivileged uid with no capabilities, and onnxruntime writes nothing", async () => {
    const controller = new AbortController();
    let seen:
      { status: Record<string, string>; tmp: string[]; home: string[]; writableFds: string[]; machineIdVisible: boolean } | undefined;
    const run = runModelInSandbox({
      bundleDir: bundle,
      testCacheDir: cacheDir,
      limits: { memoryMb: 1024, cpuSeconds: 60, wallSeconds: 60, threads: 2 },
      signal: controller.signal,
      // The model is loaded (onnxruntime, its threads, its telemetry if it had any) and in its
      // endless loop: look at the child from outside, then stop it.
      onReady: ({ pid }) => {
        const node = sandboxNodePid(pid);
        if (!node) throw new Error(`no sandbox child below ${pid}`);
        const root = `/proc/${node}/root`;
        // The runtime (the child's bundle, onnxruntime's binaries) is bound read-only at its own
        // path under the project folder: when the project itself lives under /tmp (a CI clone),
        // bubblewrap creates those mount points' parent folders in the private /tmp.
        const bound = [
          fs.realpathSync(bundle),
          fs.realpathSync(path.join(cacheDir, "test.u8")),
          fs.realpathSync(path.resolve(__dirname, "..", "..")),
        ];
        seen = {
          status: procStatus(node),
          tmp: filesOutside(`${root}`, "/tmp", bound),
          home: filesOutside(`${root}`, "/home/sandbox", bound),
          writableFds: openedForWriting(node),
          machineIdVisible: fs.existsSync(`${root}/etc/machine-id`),
        };
        controller.abort();
      },
    });
    await expect(run).rejects.toThrow(/cancelled/);
    expect(seen).toBeDefined();
    const [ruid, euid] = seen!.status.Uid.split(/\s+/).map(Number);
    expect(ruid).not.toBe(0);
    expect(euid).not.toBe(0);
    if (process.getuid?.() === 0) expect(euid).toBe(65534);
    expect(seen!.status.CapEff).toBe("0000000000000000");
    expect(seen!.status.CapPrm).toBe("0000000000000000");
    expect(seen!.status.NoNewPrivs).toBe("1");
    if (process.arch === "x64") expect(seen!.status.Seccomp).toBe("2");
    // onnxruntime's telemetry is off: no /tmp/mat-debug-<pid>.log, no ~/.cache/Microsoft/...,
    // no file open for writing (only the pipes to the scorer), /etc/machine-id not even there.
    expect(seen!.tmp).toEqual([]);
    expect(seen!.home).toEqual([]);
    expect(seen!.writableFds).toEqual([]);
    expect(seen!.machineIdVisible).toBe(false);
  });
});

/** Targets of the process's descriptors that are files (not pipes, sockets or devices) opened for writing. */
function openedForWriting(pid: number): string[] {
  const out: string[] = [];
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    let target: string;
    try {
      target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue;
    }
    if (!target.startsWith("/") || target.startsWith("/dev/")) continue;
    const flags = parseInt(/flags:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/fdinfo/${fd}`, "utf8"))?.[1] ?? "0", 8);
    if ((flags & 3) !== 0) out.push(`${fd} -> ${target}`);
  }
  return out;
}

/** Every folder from `top` down to `target` (inclusive), the mount point bubblewrap creates. */
function ancestorsWithin(top: string, target: string): string[] {
  const out: string[] = [];
  for (let p = target; p.length >= top.length; p = path.dirname(p)) out.push(p);
  return out;
}

/** Files and folders under `dir` as the process at `root` sees them, other than the bound paths and their parents. */
function filesOutside(root: string, dir: string, bound: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    if (bound.includes(p)) return;
    for (const d of fs.readdirSync(root + p, { withFileTypes: true })) {
      const child = `${p}/${d.name}`;
      const leadsToBind = bound.some((b) => b === child || b.startsWith(child + "/"));
      if (!leadsToBind) out.push(child);
      else if (d.isDirectory()) walk(child);
    }
  };
  walk(dir);
  return out;
}
