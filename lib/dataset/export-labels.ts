import fs from "node:fs/promises";
import path from "node:path";
import { formatExportedLabels } from "./format-exported-labels";
import { readHiddenLabels } from "./read-hidden-labels";

/**
 * Writes the test labels for organizers (`npm run data -- export-labels --out FILE`):
 * `Image_Id,Split,Gender,Hair_Color,Hair_Type`, Image_Id order. Image_Index is left out on
 * purpose: the exported file may travel, and the index is the key to CelebA's labels.
 * Written to a temp file and renamed, so a failed export never leaves half a file.
 */
export async function exportLabels(options: { dataDir: string; outPath: string }): Promise<{ rows: number; path: string }> {
  const rows = await readHiddenLabels(options.dataDir);
  const out = path.resolve(options.outPath);
  const text = formatExportedLabels(rows);
  await fs.mkdir(path.dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  await fs.writeFile(tmp, text, { mode: 0o600 });
  await fs.rename(tmp, out);
  return { rows: rows.length, path: out };
}
