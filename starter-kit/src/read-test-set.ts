import fs from "node:fs";
import path from "node:path";
import { decodePortrait } from "./decode-portrait";
import { KitError } from "./kit-error";
import type { DownloadSource } from "./locate-downloads";
import { TEST_IMAGES_DIR_NAME } from "./platform";
import { readDownloadFiles } from "./read-download-files";

/** The test images, in the order of sample_submission.csv (or of the zip when it is absent). */
export interface TestSet {
  ids: string[];
  images: Uint8Array[];
}

/** Reads the test download: Tiny_Portraits_Test/<Image_Id>.png, labels hidden. */
export async function readTestSet(options: { source: DownloadSource; sampleSubmission?: string }): Promise<TestSet> {
  const byId = new Map<string, Uint8Array>();
  const zipOrder: string[] = [];
  await readDownloadFiles({
    source: options.source,
    under: TEST_IMAGES_DIR_NAME,
    onFile: async (name, png) => {
      if (!name.endsWith(".png")) return;
      const id = path.posix.basename(name, ".png");
      byId.set(id, await decodePortrait({ png, name }));
      zipOrder.push(id);
    },
  });
  if (byId.size === 0)
    throw new KitError(
      `no test images found in ${TEST_IMAGES_DIR_NAME}/ of ${options.source.kind === "zip" ? options.source.file : options.source.dir}`,
    );

  let ids = zipOrder;
  if (options.sampleSubmission) {
    const lines = fs
      .readFileSync(options.sampleSubmission, "utf8")
      .replace(/^\uFEFF/, "")
      .split(/\r?\n/)
      .slice(1);
    ids = lines.filter((l) => l.trim()).map((l) => l.split(",")[0].trim());
    const missing = ids.filter((id) => !byId.has(id));
    if (missing.length) {
      throw new KitError(
        `${missing.length} ids of ${path.basename(options.sampleSubmission)} have no image in the test download (e.g. ${missing.slice(0, 3).join(", ")}): are both files from the same dataset version?`,
      );
    }
  }
  return { ids, images: ids.map((id) => byId.get(id)!) };
}
