import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { IMAGE_BYTES, IMAGE_HEIGHT, IMAGE_WIDTH } from "../challenge/definition";
import { encodeRgbPng } from "../dataset/encode-rgb-png";
import { createZipWriter } from "../zip/create-zip-writer";
import { readGeneratedImages } from "./read-generated-images";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tp-gen-images-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const image = (value: number, w = IMAGE_WIDTH, h = IMAGE_HEIGHT) => encodeRgbPng(new Uint8Array(w * h * 3).fill(value), w, h);

async function zipOf(name: string, files: [string, Buffer][]): Promise<string> {
  const file = path.join(tmp, name);
  const zip = await createZipWriter(file);
  for (const [n, b] of files) await zip.add(n, b, { compress: true });
  await zip.finish();
  return file;
}

const read = (input: string, count = 3) => readGeneratedImages({ input, count, outFile: path.join(tmp, `out-${path.basename(input)}.u8`) });

describe("readGeneratedImages", () => {
  it("decodes exactly N PNGs from a zip into a uint8 tensor, in name order", async () => {
    const file = await zipOf("ok.zip", [
      ["b.png", image(20)],
      ["a.png", image(10)],
      ["c.png", image(30)],
      ["__MACOSX/._a.png", Buffer.from("junk")],
    ]);
    const r = await read(file);
    expect(r).toMatchObject({ ok: true, count: 3, names: ["a.png", "b.png", "c.png"] });
    const pixels = fs.readFileSync(path.join(tmp, "out-ok.zip.u8"));
    expect(pixels.length).toBe(3 * IMAGE_BYTES);
    expect([pixels[0], pixels[IMAGE_BYTES], pixels[2 * IMAGE_BYTES]]).toEqual([10, 20, 30]);
  });

  it("reads a folder the same way", async () => {
    const dir = path.join(tmp, "folder");
    fs.mkdirSync(dir);
    for (const [n, v] of [
      ["x.png", 1],
      ["y.png", 2],
      ["z.png", 3],
    ] as const)
      fs.writeFileSync(path.join(dir, n), image(v));
    expect(await read(dir)).toMatchObject({ ok: true, count: 3 });
  });

  it("refuses the wrong count, other files, wrong sizes and broken PNGs with specific reasons", async () => {
    const two = await zipOf("two.zip", [
      ["a.png", image(1)],
      ["b.png", image(2)],
    ]);
    expect(await read(two)).toEqual({ ok: false, errors: ["exactly 3 PNGs are needed; found 2"] });
    const other = await zipOf("other.zip", [
      ["a.png", image(1)],
      ["b.png", image(2)],
      ["notes.txt", Buffer.from("hi")],
    ]);
    expect(await read(other)).toEqual({ ok: false, errors: ['only .png files are accepted; found "notes.txt"'] });
    const small = await zipOf("small.zip", [
      ["a.png", image(1)],
      ["b.png", image(2, 64, 64)],
      ["c.png", Buffer.from("not a png")],
    ]);
    const r = await read(small);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors).toEqual([
      "b.png: is 64x64, expected 84x108 (every image must be 84x108)",
      expect.stringMatching(/^c.png: not a readable PNG/),
    ]);
  });

  it("refuses a zip bomb entry by its declared size, before inflating it", async () => {
    const bomb = await zipOf("bomb.zip", [
      ["a.png", image(1)],
      ["b.png", image(2)],
      ["c.png", Buffer.alloc(5 * 1024 * 1024)],
    ]);
    const r = await read(bomb);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.join("\n")).toMatch(/c\.png/);
  });

  it("refuses a missing input", async () => {
    expect(await read(path.join(tmp, "nope.zip"))).toEqual({ ok: false, errors: ["cannot read nope.zip (ENOENT)"] });
  });
});
