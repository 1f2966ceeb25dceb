/**
 * Folder layout: one PNG per image in Tiny_Portraits_Images/, named Tiny_Portrait_%06d.png.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { imageFileName } from "../../challenge/definition";

export async function writeImageFiles(options: { dir: string; images: { index: number; data: Uint8Array }[] }): Promise<string[]> {
  const paths = options.images.map((im) => path.join(options.dir, imageFileName(im.index)));
  await Promise.all(options.images.map((im, i) => fs.writeFile(paths[i], im.data)));
  return paths;
}
