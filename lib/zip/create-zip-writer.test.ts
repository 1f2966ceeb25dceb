import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { readZip } from "../../test-support/dataset/read-zip";
import { createZipWriter } from "./create-zip-writer";
import { openZipFile } from "./open-zip-file";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "zip-writer-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

afterEach(() => vi.useRealTimers());

describe("createZipWriter", () => {
  it("writes stored and deflated entries that yauzl reads back, with the sha256 of the file", async () => {
    const file = path.join(tmp, "a.zip");
    const w = await createZipWriter(file);
    const png = crypto.randomBytes(5000);
    const csv = Buffer.from("a,b\n".repeat(1000));
    await w.add("dir/one.png", png);
    await w.add("labels.csv", csv, { compress: true });
    const result = await w.finish();
    expect(result.entries).toBe(2);
    expect(result.sizeBytes).toBe(fs.statSync(file).size);
    expect(result.sha256).toBe(crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex"));
    expect(result.sizeBytes).toBeLessThan(5000 + csv.length); // the CSV was compressed
    const entries = await readZip(file);
    expect(entries.get("dir/one.png")!.equals(png)).toBe(true);
    expect(entries.get("labels.csv")!.equals(csv)).toBe(true);
  });

  it("is byte-identical for the same entries (fixed timestamps)", async () => {
    const hashes: string[] = [];
    // Two clocks far apart (and on different DOS two-second ticks): a clock-based timestamp would differ.
    vi.useFakeTimers({ toFake: ["Date"] });
    for (const [name, now] of [
      ["b1.zip", new Date(2024, 0, 1, 10, 0, 0)],
      ["b2.zip", new Date(2031, 6, 9, 17, 33, 5)],
    ] as const) {
      vi.setSystemTime(now);
      const w = await createZipWriter(path.join(tmp, name));
      await w.add("x.txt", Buffer.from("hello"), { compress: true });
      await w.add("y.bin", Buffer.from([1, 2, 3]));
      hashes.push((await w.finish()).sha256);
    }
    expect(hashes[0]).toBe(hashes[1]);
  });

  it("switches to ZIP64 end records above 65,535 entries", async () => {
    const file = path.join(tmp, "many.zip");
    const w = await createZipWriter(file);
    const n = 70_000;
    for (let i = 0; i < n; i++) await w.add(`f/${i}.bin`, Buffer.from([i & 255]));
    expect((await w.finish()).entries).toBe(n);
    const zip = await openZipFile(file);
    expect(zip.entryCount).toBe(n);
    zip.close();
    // The classic end record holds the 0xffff marker that sends readers to the ZIP64 record.
    const data = fs.readFileSync(file);
    expect(data.readUInt16LE(data.length - 22 + 10)).toBe(0xffff);
  });
});
