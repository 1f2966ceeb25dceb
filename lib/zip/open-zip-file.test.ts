import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { craftZip } from "../../test-support/models/craft-zip";
import { forEachZipEntry, openZipFile, readZipEntryBytes, zipEntryName, zipEntryRawName } from "./open-zip-file";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "open-zip-file-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(name: string, data: Buffer): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, data);
  return file;
}

describe("openZipFile", () => {
  it("hands hostile names to the caller instead of failing inside yauzl", async () => {
    const file = write(
      "hostile.zip",
      craftZip([
        { name: "../evil.txt", data: "x" },
        { name: "win\\path.txt", data: "y" },
        { name: "ok/é.txt", data: "z" },
      ]),
    );
    const zip = await openZipFile(file);
    const names: { strict: string; loose: string; raw: string }[] = [];
    try {
      await forEachZipEntry(zip, (entry) => {
        names.push({
          strict: zipEntryName(entry, { strict: true }),
          loose: zipEntryName(entry, { strict: false }),
          raw: zipEntryRawName(entry).toString("utf8"),
        });
      });
    } finally {
      zip.close();
    }
    expect(names).toEqual([
      { strict: "../evil.txt", loose: "../evil.txt", raw: "../evil.txt" },
      { strict: "win\\path.txt", loose: "win/path.txt", raw: "win\\path.txt" },
      { strict: "ok/é.txt", loose: "ok/é.txt", raw: "ok/é.txt" },
    ]);
  });

  it("stops listing at the first entry whose callback throws or rejects", async () => {
    const file = write("three.zip", craftZip(["a", "b", "c"].map((name, i) => ({ name, data: String(i + 1) }))));
    for (const fail of [
      () => {
        throw new Error("stop");
      },
      () => Promise.reject(new Error("stop")),
    ]) {
      const zip = await openZipFile(file);
      const seen: string[] = [];
      await expect(
        forEachZipEntry(zip, (entry) => {
          seen.push(zipEntryName(entry, { strict: true }));
          if (seen.length === 2) return fail();
        }),
      ).rejects.toThrow("stop");
      zip.close();
      expect(seen).toEqual(["a", "b"]);
    }
  });

  it("reads entries one at a time, after the previous callback settled", async () => {
    const file = write(
      "order.zip",
      craftZip([
        { name: "a", data: "first" },
        { name: "b", data: "second", compress: false },
      ]),
    );
    const zip = await openZipFile(file);
    const events: string[] = [];
    await forEachZipEntry(zip, async (entry) => {
      const name = zipEntryName(entry, { strict: true });
      events.push(`start ${name}`);
      events.push(`${name}=${(await readZipEntryBytes(zip, entry)).toString()}`);
    });
    zip.close();
    expect(events).toEqual(["start a", "a=first", "start b", "b=second"]);
  });

  it("fails the read of an entry that inflates to more bytes than declared", async () => {
    const file = write("liar.zip", craftZip([{ name: "bomb.bin", data: Buffer.alloc(100_000), declaredSize: 10 }]));
    const zip = await openZipFile(file);
    await expect(forEachZipEntry(zip, async (entry) => void (await readZipEntryBytes(zip, entry)))).rejects.toThrow(/too many bytes/);
    zip.close();
  });

  it("rejects a file that is not a zip", async () => {
    await expect(openZipFile(write("not.zip", Buffer.from("hello, not a zip")))).rejects.toThrow(/end of central directory/i);
  });
});

describe("one zip reader and one zip writer", () => {
  it("nothing but lib/zip/open-zip-file.ts imports yauzl, and nothing imports yazl", () => {
    const root = path.resolve(__dirname, "../..");
    const importers: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (
          /\.(ts|tsx|mts|cts|js|mjs|cjs)$/.test(entry.name) &&
          /(from\s+|require\(\s*|import\(\s*)["']ya(u)?zl["']/.test(fs.readFileSync(full, "utf8"))
        ) {
          importers.push(path.relative(root, full));
        }
      }
    };
    for (const top of ["app", "lib", "scorer", "baselines", "cli", "scripts", "bench", "e2e", "tests", "test-support", "starter-kit"]) {
      if (fs.existsSync(path.join(root, top))) walk(path.join(root, top));
    }
    expect(importers).toEqual(["lib/zip/open-zip-file.ts"]);
  });
});
