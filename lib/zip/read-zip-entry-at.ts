import type fsp from "node:fs/promises";
import zlib from "node:zlib";
import type { ZipEntry } from "./open-zip-file";

/**
 * Reading one zip entry without yauzl's per-entry read streams, which cost more CPU than
 * decoding a small PNG: the central directory is listed once with yauzl (openZipFile), each
 * entry's location is kept (a few numbers: a dataset holds ~134k of them), and the entry is
 * later sliced from the whole zip in memory, or read with one positioned read.
 */
export interface ZipEntryLocation {
  /** Of the local file header. */
  offset: number;
  compressedSize: number;
  size: number;
  method: number;
  crc32: number;
  encrypted: boolean;
}

export function zipEntryLocation(entry: ZipEntry): ZipEntryLocation {
  return {
    offset: entry.relativeOffsetOfLocalHeader,
    compressedSize: entry.compressedSize,
    size: entry.uncompressedSize,
    method: entry.compressionMethod,
    crc32: entry.crc32,
    encrypted: (entry.generalPurposeBitFlag & 1) !== 0,
  };
}

/** Local header slack read with the data, so one read usually gets name + extra + data. */
const LOCAL_HEADER_GUESS = 30 + 256;

/**
 * Reads one entry's bytes with a positioned read: local header + data in one read (a second
 * one only if the local extra field is unusually long). `maxBytes` caps the inflated size.
 */
export async function readZipEntryAt(file: fsp.FileHandle, e: ZipEntryLocation, options: { maxBytes: number }): Promise<Buffer> {
  let buffer = Buffer.allocUnsafe(LOCAL_HEADER_GUESS + e.compressedSize);
  let { bytesRead } = await file.read(buffer, 0, buffer.length, e.offset);
  if (bytesRead >= 30 && 30 + buffer.readUInt16LE(26) + buffer.readUInt16LE(28) + e.compressedSize > bytesRead) {
    buffer = Buffer.allocUnsafe(30 + buffer.readUInt16LE(26) + buffer.readUInt16LE(28) + e.compressedSize);
    ({ bytesRead } = await file.read(buffer, 0, buffer.length, e.offset));
  }
  return sliceZipEntry(buffer.subarray(0, bytesRead), 0, e, options);
}

/**
 * The bytes of the entry whose local header starts at `at` in `buffer` (a whole zip, or one
 * read): inflated if deflated, size- and CRC-checked, so a damaged zip shows up as a clear
 * "CRC mismatch" rather than as an error of whatever parses the bytes next.
 */
export function sliceZipEntry(buffer: Buffer, at: number, e: ZipEntryLocation, options: { maxBytes: number }): Buffer {
  if (e.encrypted) throw new Error("the zip entry is encrypted");
  if (e.method !== 0 && e.method !== 8) throw new Error(`unsupported zip compression method ${e.method}`);
  if (at + 30 > buffer.length || buffer.readUInt32LE(at) !== 0x04034b50) throw new Error("bad local file header");
  const dataStart = at + 30 + buffer.readUInt16LE(at + 26) + buffer.readUInt16LE(at + 28);
  if (dataStart + e.compressedSize > buffer.length) throw new Error("the zip file is truncated");
  const raw = buffer.subarray(dataStart, dataStart + e.compressedSize);
  const data = e.method === 8 ? zlib.inflateRawSync(raw, { maxOutputLength: options.maxBytes }) : raw;
  if (data.length !== e.size) throw new Error("the zip entry's size does not match its header");
  if (zlib.crc32(data) !== e.crc32) throw new Error("CRC mismatch in the zip entry");
  return data;
}
