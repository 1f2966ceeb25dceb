import fs from "node:fs";
import fsp from "node:fs/promises";

export interface ZipBufferCacheOptions {
  /** Zips larger than this are never held whole (0: none is). */
  maxZipBytes: number;
  /** Bytes of whole zips held at once; least recently used ones leave first. */
  budgetBytes: number;
  /** A zip evicted and reloaded this often is read entry by entry from then on (scattered order). */
  maxLoads: number;
}

/**
 * Whole zip files in memory, least recently used first out. Reading a zip in one go and
 * slicing its entries (sliceZipEntry) costs one read per zip instead of one per entry; when
 * `get` answers undefined the caller reads the entry alone (readZipEntryAt).
 */
export class ZipBufferCache {
  private readonly cache = new Map<number, { size: number; data: Promise<Buffer> }>();
  private readonly loads: number[];
  private bytes = 0;

  constructor(
    private readonly paths: readonly string[],
    private readonly options: ZipBufferCacheOptions,
  ) {
    this.loads = paths.map(() => 0);
  }

  /** Bytes of the zips held now (loads still running count). */
  get heldBytes(): number {
    return this.bytes;
  }

  /** The whole zip number `zip` of `paths`, or undefined when it should be read entry by entry. */
  get(zip: number): Promise<Buffer> | undefined {
    const hit = this.cache.get(zip);
    if (hit) {
      this.cache.delete(zip); // re-insert: most recently used last
      this.cache.set(zip, hit);
      return hit.data;
    }
    if (this.loads[zip] >= this.options.maxLoads) return undefined;
    const size = fs.statSync(this.paths[zip]).size;
    if (size > this.options.maxZipBytes) return undefined;
    this.loads[zip]++;
    // Evict least recently used zips (readers that already hold one keep it alive).
    while (this.cache.size > 0 && this.bytes + size > this.options.budgetBytes) {
      const [oldest, entry] = this.cache.entries().next().value!;
      this.cache.delete(oldest);
      this.bytes -= entry.size;
    }
    const data = fsp.readFile(this.paths[zip]);
    data.catch(() => {
      if (this.cache.get(zip)?.data === data) {
        this.cache.delete(zip);
        this.bytes -= size;
      }
    });
    this.cache.set(zip, { size, data });
    this.bytes += size;
    return data;
  }
}
