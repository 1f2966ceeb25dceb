import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeOwnedTempDir, sweepTempFolders } from "./temp-folders";

let tmpDir: string;
beforeAll(() => {
  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "tp-sweep-test-"));
});
afterAll(() => fs.rmSync(tmpDir, { recursive: true, force: true }));

/** A pid that existed and has exited (its process is gone). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(r.stdout);
}

describe("sweepTempFolders", () => {
  it("removes folders whose owner process is gone and keeps live ones, legacy ones under a day and other names", async () => {
    const mine = await makeOwnedTempDir("tp-model-", tmpDir);
    fs.mkdirSync(path.join(mine, "bundle"));

    const orphan = await makeOwnedTempDir("tp-model-", tmpDir);
    fs.writeFileSync(path.join(orphan, ".tp-owner.json"), JSON.stringify({ pid: deadPid(), started: "1" }));
    // Our pid but another start time: the pid was reused, the owner is gone.
    const reused = await makeOwnedTempDir("tp-model-", tmpDir);
    fs.writeFileSync(path.join(reused, ".tp-owner.json"), JSON.stringify({ pid: process.pid, started: "1" }));

    const legacyOld = path.join(tmpDir, "tp-sandbox-AbC123");
    const legacyNew = path.join(tmpDir, "tp-model-XyZ789");
    const testDir = path.join(tmpDir, "tp-sandbox-test-AbC123");
    for (const d of [legacyOld, legacyNew, testDir]) fs.mkdirSync(d);
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    for (const d of [legacyOld, testDir]) fs.utimesSync(d, twoDaysAgo, twoDaysAgo);

    const removed = await sweepTempFolders({ tmpDir });
    expect(removed.sort()).toEqual([orphan, reused, legacyOld].sort());
    for (const d of [mine, legacyNew, testDir]) expect(fs.existsSync(d)).toBe(true);
    for (const d of removed) expect(fs.existsSync(d)).toBe(false);
  });
});
