import { locateDownloads, type Downloads } from "./locate-downloads";
import { verifyChecksums } from "./verify-checksums";

/** The downloads in `dir` (locateDownloads), checked against SHA256SUMS when it is there unless `skipChecksums`. */
export async function locateCheckedDownloads(options: { dir: string; skipChecksums: boolean }): Promise<Downloads> {
  const downloads = locateDownloads({ dir: options.dir });
  if (downloads.checksums && !options.skipChecksums) {
    const checked = await verifyChecksums({ dir: downloads.dir, checksums: downloads.checksums });
    if (checked.length) console.log(`checksums ok: ${checked.join(", ")}`);
  }
  return downloads;
}
