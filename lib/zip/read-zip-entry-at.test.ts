import crypto from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createZipWriter } from "./create-zip-writer";
import { forEachZipEntry, openZipFile, zipEntryName } from "./open-zip-file";
import { readZipEntryAt, sliceZipEntry, zipEntryLocation, type ZipEntryLocation } from "./read-zip-entry-at";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "read-zip-entry-at-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const stored = crypto.randomBytes(3000);
const deflated = Buffer.from("Image_Index,Gender\n".repeat(500));

async function writeAndLocate(): Promise<{ file: string; at: Map<string, ZipEntryLocation> }> {
  const file = path.join(tmp, `z-${crypto.randomUUID()}.zip`);
  const w = await createZipWriter(file);
  await w.add("a.png", stored);
  await w.add("dir/b.csv", deflated, { compress: true });
  await w.finish();
  const at = new Map<string, ZipEntryLocation>();
  const zip = await openZipFile(file);
  await forEachZipEntry(zip, (e) => void at.set(zipEntryName(e, { strict: true }), zipEntryLocation(e)));
  zip.close();
  return { file, at };
}

describe("readZipEntryAt and sliceZipEntry", () => {
  it("read stored and deflated entries, from the file or from the whole zip in memory", async () => {
    const { file, at } = await writeAndLocate();
    expect(at.get("dir/b.csv")!.method).toBe(8);
    const handle = await fsp.open(file, "r");
    try {
      expect((await readZipEntryAt(handle, at.get("a.png")!, { maxBytes: 1e6 })).equals(stored)).toBe(true);
      expect((await readZipEntryAt(handle, at.get("dir/b.csv")!, { maxBytes: 1e6 })).equals(deflated)).toBe(true);
    } finally {
      await handle.close();
    }
    const whole = fs.readFileSync(file);
    for (const [name, data] of [
      ["a.png", stored],
      ["dir/b.csv", deflated],
    ] as const) {
      const e = at.get(name)!;
      expect(sliceZipEntry(whole, e.offset, e, { maxBytes: 1e6 }).equals(data)).toBe(true);
    }
  });

  it("refuse damaged data, lying sizes, truncation, an inflate past maxBytes, encryption and unknown methods", async () => {
    const { file, at } = await writeAndLocate();
    const whole = fs.readFileSync(file);
    const a = at.get("a.png")!;
    const b = at.get("dir/b.csv")!;
    const big = { maxBytes: 1e6 };
    const flipped = Buffer.from(whole);
    flipped[a.offset + 30 + "a.png".length + 10] ^= 0xff;
    expect(() => sliceZipEntry(flipped, a.offset, a, big)).toThrow(/CRC mismatch/);
    expect(() => sliceZipEntry(whole, a.offset, { ...a, size: a.size + 1 }, big)).toThrow(/size does not match/);
    expect(() => sliceZipEntry(whole.subarray(0, a.offset + 100), a.offset, a, big)).toThrow(/truncated/);
    expect(() => sliceZipEntry(whole, a.offset + 1, a, big)).toThrow(/bad local file header/);
    expect(() => sliceZipEntry(whole, b.offset, b, { maxBytes: 1000 })).toThrow(/buffer|length/i);
    expect(() => sliceZipEntry(whole, a.offset, { ...a, encrypted: true }, big)).toThrow(/encrypted/);
    expect(() => sliceZipEntry(whole, a.offset, { ...a, method: 12 }, big)).toThrow(/compression method 12/);
  });

  it("reads an entry whose local extra field is longer than the first read guessed", async () => {
    // Local header with a 1,000-byte extra field before the data: readZipEntryAt needs a second read.
    const name = Buffer.from("x.bin");
    const data = crypto.randomBytes(100);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(name.length, 26);
    header.writeUInt16LE(1000, 28);
    const file = path.join(tmp, "long-extra.bin");
    fs.writeFileSync(file, Buffer.concat([Buffer.alloc(7), header, name, Buffer.alloc(1000), data]));
    const { crc32 } = await import("node:zlib");
    const location: ZipEntryLocation = { offset: 7, compressedSize: 100, size: 100, method: 0, crc32: crc32(data), encrypted: false };
    const handle = await fsp.open(file, "r");
    try {
      expect((await readZipEntryAt(handle, location, { maxBytes: 1e6 })).equals(data)).toBe(true);
    } finally {
      await handle.close();
    }
  });
});
