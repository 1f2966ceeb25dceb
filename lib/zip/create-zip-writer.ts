import crypto from "node:crypto";
import fs from "node:fs/promises";
import zlib from "node:zlib";
import { promisify } from "node:util";

const deflateRaw = promisify(zlib.deflateRaw);

/**
 * A streaming, deterministic zip writer: the dataset downloads, the synthetic source archives,
 * the starter kit, the baselines' model bundles.
 *
 * Why not yazl: for the train zip (~108k entries) yazl rescans its entry list from the start
 * on every entry (quadratic: billions of steps) and keeps every added buffer referenced until
 * the end (the whole 2 GB zip in memory). This writer appends each entry to the file as it
 * comes (memory: one output buffer + ~100 bytes of central directory per entry), computes CRCs
 * natively, and writes ZIP64 end records when there are more than 65,535 entries or more than
 * 4 GiB, which unzip, Python's zipfile, Windows and macOS all read.
 *
 * Deterministic: fixed timestamps, fixed attributes, no extra fields unless ZIP64 needs them,
 * so the same entries in the same order give the same bytes (SHA256SUMS stay stable).
 */
export interface ZipWriter {
  /** Appends one file. `compress` deflates it (CSV); PNGs are stored, they are compressed already. */
  add(name: string, data: Buffer, options?: { compress?: boolean }): Promise<void>;
  /** Writes the central directory and closes the file. */
  finish(): Promise<{ sizeBytes: number; sha256: string; entries: number }>;
  /** Closes the file after a failure (the caller deletes the build folder). */
  abort(): Promise<void>;
}

interface CentralEntry {
  name: Buffer;
  crc: number;
  compressedSize: number;
  size: number;
  method: number;
  offset: number;
}

/** Fixed timestamp of every entry, so the same inputs always give byte-identical zips. */
export const ZIP_ENTRY_DATE = { year: 2000, month: 1, day: 1 } as const;

const FLUSH_BYTES = 4 * 1024 * 1024;
const U32_MAX = 0xffffffff;
const U16_MAX = 0xffff;
// DOS date: ((year - 1980) << 9) | (month << 5) | day; time 00:00:00.
const DOS_DATE = ((ZIP_ENTRY_DATE.year - 1980) << 9) | (ZIP_ENTRY_DATE.month << 5) | ZIP_ENTRY_DATE.day;
const DOS_TIME = 0;
// "Version made by": 3 = Unix (so external attributes carry a mode), spec 6.3 = 63.
const VERSION_MADE_BY = (3 << 8) | 63;
const EXTERNAL_ATTRS = (0o100644 << 16) >>> 0;

export async function createZipWriter(filePath: string): Promise<ZipWriter> {
  const file = await fs.open(filePath, "w");
  const hash = crypto.createHash("sha256");
  const central: CentralEntry[] = [];
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let offset = 0; // bytes handed to write() so far, including pending
  let closed = false;

  async function flush(): Promise<void> {
    if (pendingBytes === 0) return;
    const chunks = pending;
    pending = [];
    pendingBytes = 0;
    for (const chunk of chunks) hash.update(chunk);
    // writev: no 4 MB concatenation per flush (less copying, less garbage).
    let written = 0;
    let total = 0;
    for (const chunk of chunks) total += chunk.length;
    let rest = chunks;
    while (written < total) {
      const { bytesWritten } = await file.writev(rest);
      written += bytesWritten;
      if (written < total) rest = remaining(chunks, written);
    }
  }

  function push(data: Buffer): void {
    pending.push(data);
    pendingBytes += data.length;
    offset += data.length;
  }

  return {
    async add(name, data, options = {}) {
      const nameBytes = Buffer.from(name, "utf8");
      const stored = !options.compress;
      const body = stored ? data : await deflateRaw(data, { level: 9 });
      if (data.length >= U32_MAX || body.length >= U32_MAX) throw new Error(`zip entry ${name} is too large`);
      const entry: CentralEntry = {
        name: nameBytes,
        crc: zlib.crc32(data),
        compressedSize: body.length,
        size: data.length,
        method: stored ? 0 : 8,
        offset,
      };
      const header = Buffer.alloc(30);
      header.writeUInt32LE(0x04034b50, 0);
      header.writeUInt16LE(entry.offset >= U32_MAX ? 45 : 20, 4); // version needed
      writeSharedFields(header, 6, entry);
      header.writeUInt16LE(0, 28);
      push(header);
      push(nameBytes);
      push(body);
      central.push(entry);
      if (pendingBytes >= FLUSH_BYTES) await flush();
    },

    async finish() {
      const cdStart = offset;
      for (const e of central) {
        const zip64 = e.offset >= U32_MAX;
        const extra = zip64 ? Buffer.alloc(12) : Buffer.alloc(0);
        if (zip64) {
          extra.writeUInt16LE(0x0001, 0);
          extra.writeUInt16LE(8, 2);
          extra.writeBigUInt64LE(BigInt(e.offset), 4);
        }
        const h = Buffer.alloc(46);
        h.writeUInt32LE(0x02014b50, 0);
        h.writeUInt16LE(VERSION_MADE_BY, 4);
        h.writeUInt16LE(zip64 ? 45 : 20, 6);
        writeSharedFields(h, 8, e);
        h.writeUInt16LE(extra.length, 30);
        h.writeUInt16LE(0, 32); // comment length
        h.writeUInt16LE(0, 34); // disk number start
        h.writeUInt16LE(0, 36); // internal attributes
        h.writeUInt32LE(EXTERNAL_ATTRS, 38);
        h.writeUInt32LE(zip64 ? U32_MAX : e.offset, 42);
        push(h);
        push(e.name);
        if (extra.length) push(extra);
        if (pendingBytes >= FLUSH_BYTES) await flush();
      }
      const cdSize = offset - cdStart;
      const count = central.length;
      const needZip64 = count >= U16_MAX || cdStart >= U32_MAX || cdSize >= U32_MAX;
      if (needZip64) {
        const eocd64Offset = offset;
        const r = Buffer.alloc(56);
        r.writeUInt32LE(0x06064b50, 0);
        r.writeBigUInt64LE(44n, 4); // size of the remaining record
        r.writeUInt16LE(VERSION_MADE_BY, 12);
        r.writeUInt16LE(45, 14);
        r.writeUInt32LE(0, 16); // this disk
        r.writeUInt32LE(0, 20); // disk with the central directory
        r.writeBigUInt64LE(BigInt(count), 24);
        r.writeBigUInt64LE(BigInt(count), 32);
        r.writeBigUInt64LE(BigInt(cdSize), 40);
        r.writeBigUInt64LE(BigInt(cdStart), 48);
        push(r);
        const locator = Buffer.alloc(20);
        locator.writeUInt32LE(0x07064b50, 0);
        locator.writeUInt32LE(0, 4);
        locator.writeBigUInt64LE(BigInt(eocd64Offset), 8);
        locator.writeUInt32LE(1, 16); // total disks
        push(locator);
      }
      const end = Buffer.alloc(22);
      end.writeUInt32LE(0x06054b50, 0);
      end.writeUInt16LE(0, 4);
      end.writeUInt16LE(0, 6);
      end.writeUInt16LE(Math.min(count, U16_MAX), 8);
      end.writeUInt16LE(Math.min(count, U16_MAX), 10);
      end.writeUInt32LE(Math.min(cdSize, U32_MAX), 12);
      end.writeUInt32LE(Math.min(cdStart, U32_MAX), 16);
      end.writeUInt16LE(0, 20);
      push(end);
      await flush();
      await file.sync();
      await file.close();
      closed = true;
      return { sizeBytes: offset, sha256: hash.digest("hex"), entries: count };
    },

    async abort() {
      if (!closed) {
        closed = true;
        await file.close().catch(() => {});
      }
    },
  };
}

/**
 * The fields the local header and the central directory header share, in the same order
 * (flags, method, time, date, CRC, sizes, name length): at 6 in the first, at 8 in the second.
 */
function writeSharedFields(header: Buffer, at: number, e: CentralEntry): void {
  header.writeUInt16LE(isAscii(e.name) ? 0 : 0x800, at); // flags: bit 11 = UTF-8 name
  header.writeUInt16LE(e.method, at + 2);
  header.writeUInt16LE(DOS_TIME, at + 4);
  header.writeUInt16LE(DOS_DATE, at + 6);
  header.writeUInt32LE(e.crc, at + 8);
  header.writeUInt32LE(e.compressedSize, at + 12);
  header.writeUInt32LE(e.size, at + 16);
  header.writeUInt16LE(e.name.length, at + 20);
}

/** The chunks' bytes after the first `skip` (for a partial writev). */
function remaining(chunks: Buffer[], skip: number): Buffer[] {
  const out: Buffer[] = [];
  for (const chunk of chunks) {
    if (skip >= chunk.length) {
      skip -= chunk.length;
      continue;
    }
    out.push(skip > 0 ? chunk.subarray(skip) : chunk);
    skip = 0;
  }
  return out;
}

function isAscii(bytes: Buffer): boolean {
  for (const b of bytes) if (b > 0x7e || b < 0x20) return false;
  return true;
}
