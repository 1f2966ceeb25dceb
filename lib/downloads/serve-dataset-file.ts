import fs from "node:fs/promises";
import path from "node:path";
import type { Db } from "../db/client";
import { buildDir, buildPaths } from "../dataset/layout";
import { AppError } from "../errors/app-error";
import { findModelOnlyPhase } from "../phases/find-model-only-phase";
import { assertTermsAccepted } from "../terms/assert-terms-accepted";
import { DECLARED_LENGTH_HEADER } from "../http/declared-content-length";
import { ifRangeAllowsPartial, parseRangeHeader } from "./parse-range-header";
import { readClientInfo } from "./read-client-info";

export interface ServeDatasetFileOptions {
  db: Db;
  dataDir: string;
  /** The signed-in user (the route authenticates; this checks the terms). */
  userId: string;
  /** The file name from the URL. Only ever compared with DatasetFile names, never joined to a path as is. */
  name: string;
  method: "GET" | "HEAD";
  /** Request headers: range, if-range, x-forwarded-for, user-agent. */
  headers: Headers;
  /** Bytes per read (default 256 KiB): the most one download holds in memory, plus one queued chunk. */
  chunkSize?: number;
  /** Tests of a terms version change only. */
  currentTermsVersion?: string;
}

export interface ServedFile {
  status: 200 | 206 | 416;
  headers: Headers;
  /** null for HEAD and 416. */
  body: ReadableStream<Uint8Array> | null;
  /** The DownloadLog row of this response (GET 200/206 only). */
  logId: string | null;
  /**
   * Settles once the body has been fully sent, cancelled or failed and the log row holds the
   * bytes actually served (immediately when there is no body). For tests and benchmarks.
   */
  finished: Promise<void>;
}

const DEFAULT_CHUNK = 256 * 1024;
/** DatasetFile names are plain file names inside public/; anything else is refused before any path is built. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

const CONTENT_TYPES: Record<string, string> = {
  ".zip": "application/zip",
  ".csv": "text/csv; charset=utf-8",
};

/**
 * Serves one file of the current dataset to a participant (docs/dataset.md: why downloads are gated):
 *
 * - only to users who accepted the current terms (403 otherwise; the route answers 401 for
 *   anonymous requests before calling this);
 * - only files registered as DatasetFile of the current dataset, looked up by exact name; the
 *   path is built from the dataset's build id and that registered name, so nothing in the
 *   request can point at cache/ or hidden/ (unknown name: 404);
 * - streamed from disk with one read in flight and at most one chunk queued (constant memory,
 *   whatever the file size), pulled only as fast as the client takes it;
 * - HTTP Range: one range (`a-b`, `a-`, `-n`) gives 206 with Content-Range; a range past the
 *   end 416; several ranges or an unparsable header the whole file with 200 (parse-range-header.ts);
 *   If-Range with a stale ETag the whole file with 200. The ETag is the file's SHA-256.
 *
 * Logging: every GET that sends a body gets a DownloadLog row *before* the first byte, with
 * bytesServed 0 and the Range header as sent; when the stream ends, is cancelled (the client
 * went away) or fails, the row is updated with the bytes handed to the response. So an audit
 * trail exists even if the process dies mid-download (the row then says 0 bytes: "started"), and
 * a resumed download shows as several rows whose byte counts add up. For an aborted download the
 * count can exceed what the client kept by what was in flight (a queued chunk and the socket
 * buffers, a few MB on loopback). If the row cannot be written, nothing is served. HEAD and 416
 * responses send no data and are not logged.
 *
 * Content-Length is set, and declared again under DECLARED_LENGTH_HEADER: Next.js 16 drops the
 * former from route handler responses, and `npm start`'s web server turns the latter back into
 * Content-Length (lib/http/declared-content-length.ts), so 200, 206 and HEAD carry the size.
 */
export async function serveDatasetFile(options: ServeDatasetFileOptions): Promise<ServedFile> {
  const { db, dataDir, userId, name, method, headers, chunkSize = DEFAULT_CHUNK } = options;
  await assertTermsAccepted({ db, userId, currentVersion: options.currentTermsVersion });

  const notFound = () =>
    new AppError("not-found", {
      user: `There is no dataset file called "${name.slice(0, 100)}".`,
      internal: `download of unknown file ${JSON.stringify(name.slice(0, 200))}`,
    });
  if (!SAFE_NAME.test(name)) throw notFound();
  const file = await db.datasetFile.findFirst({
    where: { name, dataset: { isCurrent: true } },
    select: { id: true, name: true, kind: true, sizeBytes: true, sha256: true, dataset: { select: { buildId: true } } },
  });
  if (!file || !SAFE_NAME.test(file.dataset.buildId)) throw notFound();
  if (file.kind === "test-archive") {
    const modelOnly = await findModelOnlyPhase({ db });
    if (modelOnly) {
      throw new AppError("forbidden", {
        user: `The test images cannot be downloaded during "${modelOnly.name}": this phase accepts only models, which we run on them in our sandbox.`,
        internal: `test archive refused during model-only phase ${modelOnly.id}`,
      });
    }
  }

  const publicDir = buildPaths(buildDir(dataDir, file.dataset.buildId)).publicDir;
  const filePath = path.join(publicDir, file.name);
  // Belt and braces: SAFE_NAME already excludes separators and dot-dot.
  if (path.dirname(filePath) !== publicDir) throw notFound();

  const size = Number(file.sizeBytes);
  const handle = await openRegisteredFile(filePath, size);
  let handleOwned = false;
  try {
    const etag = `"${file.sha256}"`;
    const responseHeaders = new Headers({
      "accept-ranges": "bytes",
      etag,
      "content-type": CONTENT_TYPES[path.extname(file.name).toLowerCase()] ?? "text/plain; charset=utf-8",
      "content-disposition": `attachment; filename="${file.name}"`,
      // Gated, per-user content: no shared cache may keep it. no-transform: Next's gzip must not
      // touch it (a gzipped 206 no longer matches its Content-Range).
      "cache-control": "private, no-cache, no-transform",
      "x-content-type-options": "nosniff",
    });

    const rangeHeader = headers.get("range");
    const usable = ifRangeAllowsPartial({ ifRange: headers.get("if-range"), etag });
    const range = usable ? parseRangeHeader({ header: rangeHeader, size }) : ({ kind: "full" } as const);
    if (range.kind === "unsatisfiable") {
      responseHeaders.set("content-range", `bytes */${size}`);
      responseHeaders.set("content-length", "0");
      responseHeaders.set(DECLARED_LENGTH_HEADER, "0");
      return { status: 416, headers: responseHeaders, body: null, logId: null, finished: Promise.resolve() };
    }
    const start = range.kind === "partial" ? range.start : 0;
    const end = range.kind === "partial" ? range.end : size - 1;
    const status = range.kind === "partial" ? 206 : 200;
    responseHeaders.set("content-length", String(end + 1 - start));
    responseHeaders.set(DECLARED_LENGTH_HEADER, String(end + 1 - start));
    if (range.kind === "partial") responseHeaders.set("content-range", `bytes ${start}-${end}/${size}`);
    if (method === "HEAD") return { status, headers: responseHeaders, body: null, logId: null, finished: Promise.resolve() };

    const client = readClientInfo(headers);
    const log = await db.downloadLog.create({
      data: {
        userId,
        datasetFileId: file.id,
        bytesServed: BigInt(0),
        rangeHeader: rangeHeader?.slice(0, 200) ?? null,
        ip: client.ip,
        userAgent: client.userAgent,
      },
      select: { id: true },
    });
    let settle!: () => void;
    const finished = new Promise<void>((resolve) => (settle = resolve));
    const body = streamFileRange({
      handle,
      start,
      end,
      chunkSize,
      onDone: async (bytes) => {
        try {
          await db.downloadLog.update({ where: { id: log.id }, data: { bytesServed: BigInt(bytes) } });
        } catch (error) {
          console.error("[downloads] could not record the bytes served", log.id, error);
        } finally {
          settle();
        }
      },
    });
    handleOwned = true;
    return { status, headers: responseHeaders, body, logId: log.id, finished };
  } finally {
    if (!handleOwned) await handle.close().catch(() => {});
  }
}

/** Opens a registered file; 503 (not 500) when the build on disk does not match its database row. */
async function openRegisteredFile(filePath: string, size: number): Promise<fs.FileHandle> {
  const unavailable = (internal: string) =>
    new AppError("unavailable", {
      user: "This file is being replaced by a new version of the dataset. Please try again in a minute.",
      internal,
      retryAfterSeconds: 60,
    });
  let handle: fs.FileHandle;
  try {
    // O_NOFOLLOW: a symlink planted in public/ is not followed anywhere.
    handle = await fs.open(filePath, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch (error) {
    throw unavailable(`cannot open ${filePath}: ${(error as Error).message}`);
  }
  const stat = await handle.stat();
  if (!stat.isFile() || stat.size !== size) {
    await handle.close().catch(() => {});
    throw unavailable(`${filePath} has ${stat.size} bytes, its DatasetFile row says ${size}`);
  }
  return handle;
}

/**
 * A pull-based stream of bytes [start, end] of an open file: the next chunk is read only when
 * the consumer asks for it, so a slow client holds at most one chunk in memory. Closes the file
 * and calls onDone(bytesEnqueued) exactly once, on completion, cancellation or error.
 */
function streamFileRange(options: {
  handle: fs.FileHandle;
  start: number;
  end: number;
  chunkSize: number;
  onDone: (bytes: number) => Promise<void>;
}): ReadableStream<Uint8Array> {
  const { handle, end, chunkSize, onDone } = options;
  let position = options.start;
  let sent = 0;
  let done = false;
  const finish = async () => {
    if (done) return;
    done = true;
    // close() waits for a read still in flight.
    await handle.close().catch(() => {});
    await onDone(sent);
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const length = Math.min(chunkSize, end + 1 - position);
          if (length > 0) {
            // A fresh buffer per chunk: an enqueued chunk belongs to the consumer.
            const chunk = new Uint8Array(length);
            const { bytesRead } = await handle.read(chunk, 0, length, position);
            if (done) return; // cancelled while reading
            if (bytesRead === 0) throw new Error(`file ended at byte ${position}, expected ${end + 1}`);
            position += bytesRead;
            sent += bytesRead;
            controller.enqueue(bytesRead === length ? chunk : chunk.subarray(0, bytesRead));
          }
          if (position > end) {
            controller.close();
            await finish();
          }
        } catch (error) {
          if (!done) controller.error(error);
          await finish();
        }
      },
      async cancel() {
        await finish();
      },
    },
    // One chunk queued ahead of the consumer, no more.
    { highWaterMark: 1 },
  );
}
