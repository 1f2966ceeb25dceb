import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { IMAGES_DIR_NAME, ZIPS_DIR_NAME, imageFileName } from "../challenge/definition";
import { openImageSource } from "./open-image-source";
import { makeFixtureDataset } from "../../test-support/dataset/make-fixture-dataset";
import { createZipWriter } from "../zip/create-zip-writer";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "image-source-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("openImageSource", () => {
  it("reads the same bytes from loose files, whole zips and entry by entry, stored or deflated", async () => {
    const folder = await makeFixtureDataset({ dir: path.join(tmp, "folder"), count: 50, seed: 3 });
    const zips = await makeFixtureDataset({
      dir: path.join(tmp, "zips"),
      count: 50,
      seed: 3,
      layout: "zips",
      imagesPerZip: 7,
      deflateZipEntries: true,
    });
    const a = await openImageSource(folder.dir);
    const b = await openImageSource(zips.dir);
    const c = await openImageSource(zips.dir, { maxZipBytesInMemory: 0 });
    try {
      expect(a.layout).toBe("images-folder");
      expect(b.layout).toBe("zips");
      expect([...b.images.keys()].sort()).toEqual([...a.images.keys()].sort());
      for (const index of a.images.keys()) {
        const bytes = await a.readImage(index);
        expect((await b.readImage(index)).equals(bytes)).toBe(true);
        expect((await c.readImage(index)).equals(bytes)).toBe(true);
      }
      const first = [...b.images.keys()][0];
      expect(b.describe(first)).toBe(`${imageFileName(first)} (in Tiny_Portraits_Archive_000.zip)`);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it("flags duplicate images, ignores other files with a warning, and reports a damaged entry", async () => {
    const dir = path.join(tmp, "odd");
    const fixture = await makeFixtureDataset({ dir, count: 5, seed: 4, layout: "zips", imagesPerZip: 5 });
    const index = fixture.rows[0].Image_Index;
    const zipsDir = path.join(dir, ZIPS_DIR_NAME);
    const png = fs.readFileSync(path.join(tmp, "folder", IMAGES_DIR_NAME, fs.readdirSync(path.join(tmp, "folder", IMAGES_DIR_NAME))[0]));
    const w = await createZipWriter(path.join(zipsDir, "extra.zip"));
    await w.add(`sub/${imageFileName(index)}`, png);
    await w.add("README.txt", Buffer.from("hello"));
    await w.add("__MACOSX/._junk", Buffer.from("x"));
    await w.finish();
    // Flip a byte inside the first entry's data of the first zip: its CRC no longer matches.
    const first = path.join(zipsDir, "Tiny_Portraits_Archive_000.zip");
    const data = fs.readFileSync(first);
    data[200] ^= 0xff;
    fs.writeFileSync(first, data);

    const source = await openImageSource(dir);
    try {
      expect(source.images.get(index)?.problem).toMatchObject({ code: "duplicate-image", imageIndex: index });
      expect(source.images.get(index)?.problem?.message).toContain(`extra.zip:sub/${imageFileName(index)}`);
      expect(source.warnings.join("\n")).toContain("extra.zip:README.txt");
      expect(source.warnings.join("\n")).not.toContain("__MACOSX");
      await expect(source.readImage(index)).rejects.toThrow(/CRC mismatch/);
    } finally {
      await source.close();
    }
  });
});
