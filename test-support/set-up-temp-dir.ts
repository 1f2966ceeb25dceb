import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";

/**
 * A fresh folder under the system temp folder for one test file (or describe block), made at
 * once and removed with everything in it by an afterAll. Registered before the file's own
 * afterAll hooks, it is removed after them (vitest runs after-hooks in reverse order).
 */
export function setUpTempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
