/**
 * Zip layout: Tiny_Portraits_Zipfiles/Tiny_Portraits_Archive_%03d.zip, 2,048 PNGs each (the last
 * one fewer), PNGs at the archive root.
 *
 * Entries are *stored*, not deflated: PNG data is already deflate-compressed, so deflating
 * again saves well under 1% while costing main-thread CPU that the renderers need. Each entry
 * gets a fixed DOS time stamp and mode, so the same images give byte-identical archives.
 * Archives are streamed to disk as images arrive; at most a few MiB wait in memory.
 */
import fs from "node:fs";
import { once } from "node:events";
import { createRequire } from "node:module";
import path from "node:path";
import { IMAGES_PER_ZIP, imageFileName, zipFileName } from "../../challenge/definition";

/** The small part of yazl's API used here (the package ships no types). */
interface YazlZipFile {
  outputStream: NodeJS.ReadableStream & { readableLength: number };
  addBuffer(data: Buffer, name: string, options: { compress: boolean; mtime: Date; mode: number; forceDosTimestamp: boolean }): void;
  end(): void;
}
const req = typeof require === "function" ? require : createRequire(import.meta.url);
const yazl = req("yazl") as { ZipFile: new () => YazlZipFile };

/** Local time on purpose: DOS time stamps store local fields, so this is the same everywhere. */
const FIXED_MTIME = new Date(2021, 0, 1, 0, 0, 0);
const MAX_BUFFERED = 8 * 1024 * 1024;

export class ZipSeriesWriter {
  readonly zipPaths: string[] = [];
  private zip: YazlZipFile | undefined;
  private file: fs.WriteStream | undefined;
  private done: Promise<unknown> | undefined;
  private inZip = 0;

  constructor(
    private readonly dir: string,
    private readonly perZip: number = IMAGES_PER_ZIP,
  ) {}

  async add(index: number, data: Uint8Array): Promise<void> {
    if (!this.zip) this.open();
    this.zip!.addBuffer(Buffer.from(data.buffer, data.byteOffset, data.byteLength), imageFileName(index), {
      compress: false,
      mtime: FIXED_MTIME,
      mode: 0o100644,
      forceDosTimestamp: true,
    });
    this.inZip++;
    // Back-pressure: if the disk falls behind, wait instead of queueing more in memory.
    while (this.zip!.outputStream.readableLength + this.file!.writableLength > MAX_BUFFERED) await new Promise((r) => setTimeout(r, 2));
    if (this.inZip === this.perZip) await this.finishCurrent();
  }

  /** Finishes the last archive; returns every archive path in order. */
  async close(): Promise<string[]> {
    if (this.zip) await this.finishCurrent();
    return this.zipPaths;
  }

  /** Stops writing after a failure: the partial archive is closed and left for the caller. */
  abort(): void {
    this.file?.destroy();
    this.zip = undefined;
    this.file = undefined;
  }

  private open(): void {
    const p = path.join(this.dir, zipFileName(this.zipPaths.length));
    this.zipPaths.push(p);
    this.zip = new yazl.ZipFile();
    this.file = fs.createWriteStream(p);
    this.done = once(this.file, "close");
    // Observed here so an early disk error is not an unhandled rejection; rethrown when awaited.
    this.done.catch(() => {});
    this.zip.outputStream.pipe(this.file);
    this.inZip = 0;
  }

  private async finishCurrent(): Promise<void> {
    this.zip!.end();
    await this.done;
    this.zip = undefined;
    this.file = undefined;
  }
}
