/**
 * Zip layout: Tiny_Portraits_Zipfiles/Tiny_Portraits_Archive_%03d.zip, 2,048 PNGs each (the last
 * one fewer), PNGs at the archive root.
 *
 * Entries are *stored*, not deflated: PNG data is already deflate-compressed, so deflating
 * again saves well under 1% while costing main-thread CPU that the renderers need. Written with
 * the platform's zip writer (fixed entry dates and modes, so the same images give byte-identical
 * archives), which appends each entry to the file as it comes: at most a few MiB wait in memory,
 * and each add awaits its share of the disk writes, so a slow disk slows the caller instead of
 * queueing images.
 */
import path from "node:path";
import { IMAGES_PER_ZIP, imageFileName, zipFileName } from "../../challenge/definition";
import { createZipWriter, type ZipWriter } from "../../zip/create-zip-writer";

export class ZipSeriesWriter {
  readonly zipPaths: string[] = [];
  private zip: Promise<ZipWriter> | undefined;
  private inZip = 0;

  constructor(
    private readonly dir: string,
    private readonly perZip: number = IMAGES_PER_ZIP,
  ) {}

  async add(index: number, data: Uint8Array): Promise<void> {
    if (!this.zip) this.open();
    const zip = await this.zip!;
    await zip.add(imageFileName(index), Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    this.inZip++;
    if (this.inZip === this.perZip) await this.finishCurrent();
  }

  /** Finishes the last archive; returns every archive path in order. */
  async close(): Promise<string[]> {
    if (this.zip) await this.finishCurrent();
    return this.zipPaths;
  }

  /** Stops writing after a failure: the partial archive is closed and left for the caller. */
  async abort(): Promise<void> {
    const zip = this.zip;
    this.zip = undefined;
    if (zip) await (await zip.catch(() => undefined))?.abort();
  }

  private open(): void {
    const p = path.join(this.dir, zipFileName(this.zipPaths.length));
    this.zipPaths.push(p);
    this.zip = createZipWriter(p);
    // Observed here so an early open error is not an unhandled rejection; rethrown when awaited.
    this.zip.catch(() => {});
    this.inZip = 0;
  }

  private async finishCurrent(): Promise<void> {
    const zip = this.zip!;
    this.zip = undefined;
    await (await zip).finish();
  }
}
