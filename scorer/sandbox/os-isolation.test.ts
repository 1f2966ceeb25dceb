import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { osIsolation } from "./os-isolation";

/**
 * The OS walls must hold for native code too, which Node's permission model does not cover:
 * here a plain `cat` (native, no Node) runs inside the same wrapper the sandbox uses.
 */
describe.runIf(osIsolation().kind !== "none")("osIsolation", () => {
  it("hides masked folders and leaves only a downed loopback interface", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "tp-iso-"));
    try {
      const hidden = path.join(root, "hidden");
      fs.mkdirSync(hidden);
      fs.writeFileSync(path.join(hidden, "test-labels.csv"), "SECRET");
      const iso = osIsolation();
      const run = (cmd: string[]) => {
        const full = iso.wrap(cmd, [hidden]);
        return spawnSync(full[0], full.slice(1), { encoding: "utf8" });
      };
      const cat = run(["cat", path.join(hidden, "test-labels.csv")]);
      expect(cat.status).not.toBe(0);
      expect(cat.stdout).not.toContain("SECRET");
      // Outside the namespace nothing changed.
      expect(fs.readFileSync(path.join(hidden, "test-labels.csv"), "utf8")).toBe("SECRET");

      const net = run(["cat", "/proc/net/dev"]);
      expect(net.status).toBe(0);
      const interfaces = net.stdout.split("\n").slice(2).filter(Boolean).map((l) => l.split(":")[0].trim());
      expect(interfaces).toEqual(["lo"]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
