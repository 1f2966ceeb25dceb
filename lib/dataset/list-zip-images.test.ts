import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { craftZip } from "../../test-support/models/craft-zip";
import { imageFileName } from "../challenge/definition";
import { DatasetError } from "./dataset-error";
import { listZipImages } from "./list-zip-images";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "list-zip-images-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function zipOf(name: string, entries: Parameters<typeof craftZip>[0]): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, craftZip(entries));
  return file;
}

async function errorOf(p: Promise<unknown>): Promise<DatasetError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DatasetError);
  return err as DatasetError;
}

describe("listZipImages", () => {
  it("lists portraits by base name in zip order, skips folders and macOS litter, reports the rest", async () => {
    const zipPath = zipOf("ok.zip", [
      { name: "portraits/" },
      { name: `portraits/${imageFileName(12)}`, data: "png 12", compress: false },
      { name: imageFileName(3), data: "png 3" },
      { name: "__MACOSX/._x.png", data: "junk" },
      { name: ".DS_Store", data: "junk" },
      { name: "notes.txt", data: "hello" },
    ]);
    const { images, ignored } = await listZipImages({ zipPath, shownName: "Z/ok.zip" });
    expect(images.map((i) => [i.index, i.entryName, i.location.size, i.location.method])).toEqual([
      [12, `portraits/${imageFileName(12)}`, 6, 0],
      [3, imageFileName(3), 5, 8],
    ]);
    expect(ignored).toEqual(["notes.txt"]);
  });

  it("refuses the whole zip for one entry that points outside the folder", async () => {
    for (const evil of ["../x.png", "/etc/passwd", "C:/x.png", "a\\..\\..\\x.png"]) {
      const zipPath = zipOf("evil.zip", [
        { name: imageFileName(1), data: "png" },
        { name: evil, data: "x" },
      ]);
      const err = await errorOf(listZipImages({ zipPath, shownName: "Z/evil.zip" }));
      expect(err.code).toBe("path-traversal");
      expect(err.message).toContain("Z/evil.zip is refused");
    }
  });

  it("names an unreadable zip as invalid", async () => {
    const zipPath = path.join(tmp, "broken.zip");
    fs.writeFileSync(zipPath, "PK but not really");
    const err = await errorOf(listZipImages({ zipPath, shownName: "Z/broken.zip" }));
    expect(err.code).toBe("invalid-zip");
    expect(err.message).toMatch(/^Z\/broken\.zip is not a valid zip file \(/);
  });
});
