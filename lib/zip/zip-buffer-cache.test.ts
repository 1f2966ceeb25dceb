import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ZipBufferCache } from "./zip-buffer-cache";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "zip-buffer-cache-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Files of the given sizes, each filled with its own number (the cache does not parse them). */
function files(sizes: number[]): string[] {
  return sizes.map((size, i) => {
    const p = path.join(tmp, `${sizes.join("-")}-${i}.zip`);
    fs.writeFileSync(p, Buffer.alloc(size, i + 1));
    return p;
  });
}

describe("ZipBufferCache", () => {
  it("answers the whole file, and the same promise on a hit", async () => {
    const cache = new ZipBufferCache(files([100, 200]), { maxZipBytes: 1000, budgetBytes: 1000, maxLoads: 3 });
    const first = cache.get(1)!;
    expect((await first).equals(Buffer.alloc(200, 2))).toBe(true);
    expect(cache.get(1)).toBe(first);
    expect(cache.heldBytes).toBe(200);
  });

  it("never holds a file over maxZipBytes: the caller reads entry by entry", () => {
    const cache = new ZipBufferCache(files([100, 2000]), { maxZipBytes: 1000, budgetBytes: 10_000, maxLoads: 3 });
    expect(cache.get(1)).toBeUndefined();
    expect(cache.get(0)).toBeDefined();
    expect(new ZipBufferCache(files([1]), { maxZipBytes: 0, budgetBytes: 10, maxLoads: 3 }).get(0)).toBeUndefined();
  });

  it("evicts the least recently used file to stay within the budget", async () => {
    const cache = new ZipBufferCache(files([400, 400, 400]), { maxZipBytes: 1000, budgetBytes: 900, maxLoads: 10 });
    const zero = cache.get(0)!;
    void cache.get(1);
    expect(cache.get(0)).toBe(zero); // 0 is now the most recently used
    void cache.get(2); // evicts 1, not 0
    expect(cache.heldBytes).toBe(800);
    expect(cache.get(0)).toBe(zero);
    const again = cache.get(1)!; // reloaded: evicts 2
    expect((await again).equals(Buffer.alloc(400, 2))).toBe(true);
    expect(cache.heldBytes).toBe(800);
  });

  it("gives up on a file reloaded maxLoads times (scattered reads thrash)", () => {
    const cache = new ZipBufferCache(files([600, 601]), { maxZipBytes: 1000, budgetBytes: 1000, maxLoads: 2 });
    expect(cache.get(0)).toBeDefined();
    expect(cache.get(1)).toBeDefined(); // evicts 0
    expect(cache.get(0)).toBeDefined(); // second load of 0, evicts 1
    expect(cache.get(1)).toBeDefined(); // second load of 1, evicts 0
    expect(cache.get(0)).toBeUndefined();
    expect(cache.get(1)).toBeDefined(); // still held
  });

  it("forgets a file whose read failed, so the next get tries again", async () => {
    const [p] = files([50]);
    const cache = new ZipBufferCache([p], { maxZipBytes: 1e6, budgetBytes: 1e6, maxLoads: 3 });
    fs.rmSync(p);
    fs.mkdirSync(p); // stat works, reading fails (EISDIR)
    const failed = cache.get(0)!;
    await expect(failed).rejects.toThrow(/EISDIR/);
    expect(cache.heldBytes).toBe(0);
    fs.rmdirSync(p);
    fs.writeFileSync(p, "back");
    const retried = cache.get(0)!;
    expect(retried).not.toBe(failed);
    expect((await retried).toString()).toBe("back");
  });
});
