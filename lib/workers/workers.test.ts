import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { once } from "node:events";
import { afterAll, describe, expect, it } from "vitest";
import { projectRoot } from "../db/paths";
import type { FixtureAnswer } from "../../test-support/workers/fixture-helper";
import { bundleWorkerEntry } from "./bundle-worker-entry";
import { inheritedExecArgv } from "./inherited-exec-argv";
import { spawnWorkerProcess } from "./spawn-worker-process";
import { startWorkerThread } from "./start-worker-thread";

const temps: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tp-workers-test-"));
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
});

/** A tiny project of its own, so tests can change sources without touching the repository's. */
function miniProject(): { root: string; cacheDir: string; write: (rel: string, text: string) => void } {
  const root = tempDir();
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  };
  write("entry.ts", 'import { word } from "./dep";\nprocess.stdout.write(word());\n');
  write("dep.ts", 'export const word = (): string => "one";\n');
  return { root, cacheDir: path.join(root, "cache"), write };
}

async function runToEnd(root: string, cacheDir: string): Promise<string> {
  const child = await spawnWorkerProcess({ entry: "entry.ts", root, cacheDir, execArgv: [], stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
  await once(child, "exit");
  return out;
}

describe("startWorkerThread", () => {
  it("runs a TypeScript entry with its project imports, dependencies and in-place JavaScript", async () => {
    const worker = await startWorkerThread({ entry: "test-support/workers/echo-thread.ts", workerData: { greeting: "hello" } });
    try {
      const [answer] = (await once(worker, "message")) as [FixtureAnswer];
      expect(answer).toMatchObject({ echo: "hello", upper: "HELLO", imageWidth: 84 });
      // The generated-JavaScript rule: required where it lives, so its __dirname is its own folder.
      expect(answer.inPlaceDir).toBe(path.join(projectRoot(), "test-support", "workers"));
      // It ran from the bundle, not from the .ts source through a loader.
      expect(answer.file).toMatch(/echo-thread-[0-9a-f]{16}\.cjs$/);
    } finally {
      await worker.terminate();
    }
  });

  it("passes workerData through the entry's own validation (a bad one makes the thread fail)", async () => {
    const worker = await startWorkerThread({ entry: "test-support/workers/echo-thread.ts", workerData: { greeting: 42 } });
    const [error] = (await once(worker, "error")) as [Error];
    expect(error.stack).toMatch(/ZodError[\s\S]*expected string, received number/);
  });
});

describe("spawnWorkerProcess", () => {
  it("runs the bundle with plain node: arguments, environment and a wrapper reach the child", async () => {
    const wrapped: string[][] = [];
    const child = await spawnWorkerProcess({
      entry: "test-support/workers/echo-process.ts",
      args: ["bonjour"],
      env: { ...process.env, TP_FIXTURE: "set" },
      stdio: ["ignore", "pipe", "inherit"],
      wrap: (cmd) => {
        wrapped.push(cmd);
        return ["/usr/bin/env", "TP_FIXTURE=wrapped", ...cmd];
      },
    });
    let out = "";
    child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
    const answer = JSON.parse(out) as FixtureAnswer & { env: string; execArgv: string[] };
    expect(answer).toMatchObject({ echo: "bonjour", upper: "BONJOUR", env: "wrapped" });
    expect(wrapped[0][0]).toBe(process.execPath);
    expect(wrapped[0]).toContain("bonjour");
    // No TypeScript loader in the child: it runs the bundle as it is.
    expect(answer.execArgv.join(" ")).not.toMatch(/tsx|vitest/);
  });
});

describe("bundleWorkerEntry", () => {
  it("bundles once and reuses the file until an input's content changes", async () => {
    const p = miniProject();
    const first = await bundleWorkerEntry({ entry: "entry.ts", root: p.root, cacheDir: p.cacheDir });
    expect(first.reused).toBe(false);
    expect(await runToEnd(p.root, p.cacheDir)).toBe("one");

    const again = await bundleWorkerEntry({ entry: "entry.ts", root: p.root, cacheDir: p.cacheDir });
    expect(again).toMatchObject({ reused: true, file: first.file, hash: first.hash });

    // Touched, same content: still reused.
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(path.join(p.root, "dep.ts"), later, later);
    expect(await bundleWorkerEntry({ entry: "entry.ts", root: p.root, cacheDir: p.cacheDir })).toMatchObject({
      reused: true,
      file: first.file,
    });

    // A changed import: rebuilt under a new name, and the child runs the new code.
    p.write("dep.ts", 'export const word = (): string => "two";\n');
    const changed = await bundleWorkerEntry({ entry: "entry.ts", root: p.root, cacheDir: p.cacheDir });
    expect(changed.reused).toBe(false);
    expect(changed.file).not.toBe(first.file);
    expect(await runToEnd(p.root, p.cacheDir)).toBe("two");
  });

  it("rebuilds a bundle file that was removed (a pruned cache) and survives a corrupt manifest", async () => {
    const p = miniProject();
    const first = await bundleWorkerEntry({ entry: "entry.ts", root: p.root, cacheDir: p.cacheDir });
    fs.rmSync(first.file);
    const rebuilt = await bundleWorkerEntry({ entry: "entry.ts", root: p.root, cacheDir: p.cacheDir });
    expect(rebuilt).toMatchObject({ reused: false, file: first.file });
    expect(fs.existsSync(first.file)).toBe(true);

    const manifest = fs.readdirSync(p.cacheDir).find((f) => f.endsWith(".json"))!;
    fs.writeFileSync(path.join(p.cacheDir, manifest), "{ half a manif");
    expect(await bundleWorkerEntry({ entry: "entry.ts", root: p.root, cacheDir: p.cacheDir })).toMatchObject({
      reused: false,
      file: first.file,
    });
  });

  it("shares one build between concurrent calls and leaves no temporary files", async () => {
    const p = miniProject();
    const all = await Promise.all(
      Array.from({ length: 4 }, () => bundleWorkerEntry({ entry: "entry.ts", root: p.root, cacheDir: p.cacheDir })),
    );
    expect(new Set(all.map((b) => b.file)).size).toBe(1);
    expect(all.filter((b) => !b.reused)).toHaveLength(4); // the same build result, handed to all four
    const files = fs.readdirSync(p.cacheDir);
    expect(files).toHaveLength(2);
    expect(files).toContain(path.basename(all[0].file));
    expect(files.find((f) => f.endsWith(".json"))).toMatch(/^entry-[0-9a-f]{16}\.json$/);
  });

  it("keeps separate bundles for separate build settings", async () => {
    const p = miniProject();
    const plain = await bundleWorkerEntry({ entry: "entry.ts", root: p.root, cacheDir: p.cacheDir });
    const withPackages = await bundleWorkerEntry({ entry: "entry.ts", root: p.root, cacheDir: p.cacheDir, bundlePackages: true });
    expect(withPackages.reused).toBe(false);
    expect(fs.readdirSync(p.cacheDir).filter((f) => f.endsWith(".json"))).toHaveLength(2);
    expect(withPackages.hash).toBe(plain.hash); // no dependencies: the same code
  });

  it("rejects an entry that does not bundle, naming the missing import", async () => {
    const p = miniProject();
    p.write("broken.ts", 'import { nothing } from "./no-such-module";\nexport const value = nothing;\n');
    await expect(bundleWorkerEntry({ entry: "broken.ts", root: p.root, cacheDir: p.cacheDir })).rejects.toThrow(/no-such-module/);
    await expect(startWorkerThread({ entry: "broken.ts", root: p.root, cacheDir: p.cacheDir })).rejects.toThrow(/no-such-module/);
  });
});

describe("inheritedExecArgv", () => {
  it("drops TypeScript loaders in both spellings and keeps the other flags", () => {
    expect(
      inheritedExecArgv([
        "--require",
        "/x/tsx/dist/preflight.cjs",
        "--import",
        "file:///x/tsx/dist/loader.mjs",
        "--max-old-space-size=512",
        "--import=tsx",
        "-r",
        "ts-node/register",
        "--enable-source-maps",
        "--loader=whatever",
      ]),
    ).toEqual(["--max-old-space-size=512", "--enable-source-maps"]);
  });
});
