import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSandboxCommand, MASK_FAILED_EXIT, type BuildSandboxCommandOptions } from "./build-sandbox-command";
import { seccompProgram } from "./seccomp-filter";

let root: string;
let bundle: string;
let images: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "tp-command-test-"));
  bundle = path.join(root, "work", "bundle");
  fs.mkdirSync(bundle, { recursive: true });
  images = path.join(root, "cache", "test.u8");
  fs.mkdirSync(path.dirname(images));
  fs.writeFileSync(images, "");
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const options = (o: Partial<BuildSandboxCommandOptions>): BuildSandboxCommandOptions => ({
  walls: { wrapper: "bubblewrap", asRoot: true, isolation: "full" },
  command: ["/usr/bin/node", "entry.cjs"],
  readOnlyPaths: [images, bundle],
  maskPaths: [],
  cwd: bundle,
  limits: { memoryMb: 512, cpuSeconds: 9.5 },
  ...o,
});

/** The arguments following each occurrence of `flag`. */
const after = (argv: string[], flag: string, n = 1) => argv.flatMap((a, i) => (a === flag ? [argv.slice(i + 1, i + 1 + n).join(" ")] : []));

describe("buildSandboxCommand", () => {
  it("as root: bubblewrap namespaces, then setpriv drops to uid 65534 with no capabilities, then prlimit, then the command", () => {
    const { argv, env, stdin } = buildSandboxCommand(options({}));
    expect(argv[0]).toBe("bwrap");
    // The seccomp filter travels on standard input, where bubblewrap reads it.
    expect(after(argv, "--seccomp")).toEqual(process.arch === "x64" ? ["0"] : []);
    expect(stdin).toEqual(seccompProgram());
    for (const ns of ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--die-with-parent", "--new-session"])
      expect(argv).toContain(ns);
    // No user namespace as root: it would map the sandbox user to host root.
    expect(argv).not.toContain("--unshare-user");
    const inner = argv.slice(argv.indexOf("--") + 1);
    expect(inner.slice(0, inner.indexOf("--") + 1)).toEqual([
      "setpriv",
      "--reuid=65534",
      "--regid=65534",
      "--clear-groups",
      "--inh-caps=-all",
      "--bounding-set=-all",
      "--no-new-privs",
      "--pdeathsig",
      "KILL",
      "--",
    ]);
    const limited = inner.slice(inner.indexOf("--") + 1);
    expect(limited).toEqual([
      "prlimit",
      `--data=${512 * 1024 * 1024}`,
      "--cpu=10:11",
      "--core=0",
      "--fsize=0",
      "--",
      "/usr/bin/node",
      "entry.cjs",
    ]);
    expect(env).toEqual({ PATH: expect.any(String), LANG: "C.UTF-8", HOME: "/home/sandbox", TMPDIR: "/tmp", ORT_DISABLE_TELEMETRY: "1" });
  });

  it("builds the filesystem from nothing: system /usr, scratch tmpfs, then each needed path read-only, parents first", () => {
    const { argv } = buildSandboxCommand(options({}));
    expect(after(argv, "--ro-bind", 2)).toEqual(
      ["/usr /usr", `${root}/work/bundle ${root}/work/bundle`, `${root}/cache/test.u8 ${root}/cache/test.u8`].sort(
        (a, b) => a.length - b.length,
      ),
    );
    expect(after(argv, "--tmpfs")).toEqual(["/tmp", "/home/sandbox"]);
    expect(after(argv, "--proc")).toEqual(["/proc"]);
    // The folders leading to a bind are created world-searchable (bubblewrap would make them 0700).
    expect(after(argv, "--dir")).toEqual(["/etc", root, `${root}/work`, `${root}/cache`]);
    expect(argv.indexOf("--remount-ro")).toBeGreaterThan(argv.lastIndexOf("--ro-bind"));
    expect(after(argv, "--chdir")).toEqual([bundle]);
    // Nothing of the host's / is bound wholesale.
    expect(after(argv, "--bind")).toEqual([]);
    expect(after(argv, "--ro-bind", 2).filter((b) => b.startsWith("/ ") || b.startsWith("/work ") || b.startsWith("/tmp "))).toEqual([]);
  });

  it("covers a secret folder that a bound system folder would show", () => {
    const { argv } = buildSandboxCommand(options({ maskPaths: ["/usr/src/app/data", root] }));
    // Only the one inside /usr: the other is not in the sandbox at all.
    expect(after(argv, "--tmpfs")).toEqual(["/tmp", "/home/sandbox", "/usr/src/app/data"]);
  });

  it("as an ordinary user: a user namespace, no further ones, and no setpriv", () => {
    const { argv } = buildSandboxCommand(options({ walls: { wrapper: "bubblewrap", asRoot: false, isolation: "partial: x" } }));
    expect(argv).toContain("--unshare-user");
    expect(argv).toContain("--disable-userns");
    expect(argv.slice(argv.indexOf("--") + 1)[0]).toBe("prlimit");
  });

  it("without bubblewrap: the unshare wrapper masks folders, or nothing at all", () => {
    const { argv } = buildSandboxCommand(
      options({ walls: { wrapper: "unshare", unshareFlags: ["--net", "--mount"], isolation: "partial: x" }, maskPaths: ["/secret"] }),
    );
    expect(argv.slice(0, 5)).toEqual(["unshare", "--net", "--mount", "--", "sh"]);
    expect(argv[6]).toContain(`exit ${MASK_FAILED_EXIT}`);
    expect(argv.slice(7, 10)).toEqual(["tp-sandbox", "/secret", "--"]);
    const none = buildSandboxCommand(options({ walls: { wrapper: "none", isolation: "partial: x" } }));
    expect(none.argv[0]).toBe("prlimit");
  });
});
