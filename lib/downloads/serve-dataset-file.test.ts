import { randomBytes } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { SOCKET_ADDRESS_HEADER, socketAddressStamp } from "../http/client-address";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { buildPaths } from "../dataset/layout";
import { registerDataset } from "../dataset-records/register-dataset";
import { acceptTerms } from "../terms/accept-terms";
import { CURRENT_TERMS } from "../terms/terms-document";
import { describeEachEngine } from "../../test-support/test-db";
import { listDatasetFiles } from "./list-dataset-files";
import { serveDatasetFile, type ServeDatasetFileOptions } from "./serve-dataset-file";
import { prepareFixtureBuild, type FixtureBuild } from "../../test-support/downloads/prepare-fixture-build";
import { appErrorCodeOf } from "../../test-support/app-error-of";

let build: FixtureBuild;
beforeAll(async () => {
  build = await prepareFixtureBuild({ count: 60 });
});
afterAll(() => build?.cleanup());

const SAMPLE = "sample_submission.csv";
const TRAIN = "Tiny_Portraits_Train.zip";
const publicFile = (name: string) => fs.readFileSync(path.join(buildPaths(build.buildDir).publicDir, name));

/** Counts FileHandle reads (the served file's chunks): FileHandle's class is not exported, so its prototype comes from a handle. */
async function spyOnFileHandleReads() {
  const probe = await fsp.open(__filename);
  const prototype = Object.getPrototypeOf(probe) as fsp.FileHandle;
  await probe.close();
  return vi.spyOn(prototype, "read");
}

async function readAll(body: ReadableStream<Uint8Array> | null): Promise<Buffer> {
  if (!body) return Buffer.alloc(0);
  const parts: Uint8Array[] = [];
  const reader = body.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) parts.push(next.value);
  return Buffer.concat(parts);
}

describeEachEngine("serve-dataset-file", (t) => {
  let userId: string;
  let serve: (
    name: string,
    headers?: Record<string, string>,
    extra?: Partial<ServeDatasetFileOptions>,
  ) => ReturnType<typeof serveDatasetFile>;

  beforeAll(async () => {
    await registerDataset({ db: t.db, manifest: build.manifest });
    const user = await t.db.user.create({ data: { email: `dl-${randomBytes(6).toString("hex")}@example.org`, name: "Downloader" } });
    userId = user.id;
    await acceptTerms({ db: t.db, userId, version: CURRENT_TERMS.version, ip: null });
    serve = (name, headers = {}, extra = {}) =>
      serveDatasetFile({ db: t.db, dataDir: build.dataDir, userId, name, method: "GET", headers: new Headers(headers), ...extra });
  });

  it("lists the current dataset's files with sizes and hashes", async () => {
    const listed = await listDatasetFiles({ db: t.db });
    expect(listed?.buildId).toBe(build.buildId);
    expect(listed?.files.map((f) => f.kind)).toEqual(["train-archive", "test-archive", "sample-submission", "checksums"]);
    for (const f of listed!.files) {
      expect(f.sizeBytes).toBe(publicFile(f.name).length);
      expect(f.size).toMatch(/^\d[\d.]* (B|kB|MB)$/);
    }
  });

  it("refuses users without the current terms: none accepted, or an older version", async () => {
    const other = await t.db.user.create({ data: { email: `dl-${randomBytes(6).toString("hex")}@example.org`, name: "No Terms" } });
    const none = serveDatasetFile({
      db: t.db,
      dataDir: build.dataDir,
      userId: other.id,
      name: SAMPLE,
      method: "GET",
      headers: new Headers(),
    });
    expect(await appErrorCodeOf(none)).toBe("forbidden");
    // userId accepted CURRENT_TERMS; once the terms move on, that is not enough.
    expect(await appErrorCodeOf(serve(SAMPLE, {}, { currentTermsVersion: "2099-01-01" }))).toBe("forbidden");
    expect(await t.db.downloadLog.count({ where: { userId: other.id } })).toBe(0);
  });

  it("serves a whole file with its headers and logs it with the bytes served", async () => {
    // The forged X-Forwarded-For entry is not what gets logged: the socket's address is.
    const served = await serve(SAMPLE, {
      "x-forwarded-for": "203.0.113.5",
      [SOCKET_ADDRESS_HEADER]: socketAddressStamp("10.0.0.2"),
      "user-agent": "vitest-agent",
    });
    expect(served.status).toBe(200);
    const body = await readAll(served.body);
    await served.finished;
    expect(body.equals(publicFile(SAMPLE))).toBe(true);
    const h = served.headers;
    expect(h.get("content-length")).toBe(String(body.length));
    expect(h.get("accept-ranges")).toBe("bytes");
    expect(h.get("etag")).toBe(`"${build.manifest.downloads.find((d) => d.name === SAMPLE)!.sha256}"`);
    expect(h.get("content-disposition")).toBe(`attachment; filename="${SAMPLE}"`);
    expect(h.get("content-type")).toMatch(/^text\/csv/);
    expect(h.get("cache-control")).toContain("no-transform");
    const log = await t.db.downloadLog.findUniqueOrThrow({ where: { id: served.logId! }, include: { datasetFile: true } });
    expect(log).toMatchObject({ userId, rangeHeader: null, ip: "10.0.0.2", userAgent: "vitest-agent" });
    expect(log.datasetFile.name).toBe(SAMPLE);
    expect(Number(log.bytesServed)).toBe(body.length);
  });

  it("answers single byte ranges with 206 and exactly the bytes of the file", async () => {
    const file = publicFile(TRAIN);
    const size = file.length;
    const cases: [string, number, number][] = [
      ["bytes=0-99", 0, 99],
      ["bytes=1000-", 1000, size - 1],
      ["bytes=-500", size - 500, size - 1],
      [`bytes=${size - 10}-${size + 100}`, size - 10, size - 1],
    ];
    for (const [range, start, end] of cases) {
      const served = await serve(TRAIN, { range }, { chunkSize: 4096 });
      expect(served.status, range).toBe(206);
      expect(served.headers.get("content-range")).toBe(`bytes ${start}-${end}/${size}`);
      expect(served.headers.get("content-length")).toBe(String(end + 1 - start));
      const body = await readAll(served.body);
      await served.finished;
      expect(body.equals(file.subarray(start, end + 1)), range).toBe(true);
      const log = await t.db.downloadLog.findUniqueOrThrow({ where: { id: served.logId! } });
      expect(log.rangeHeader).toBe(range);
      expect(Number(log.bytesServed)).toBe(end + 1 - start);
    }
  });

  it("answers 416 for a range past the end, without a body or a log row", async () => {
    const size = publicFile(SAMPLE).length;
    const before = await t.db.downloadLog.count({ where: { userId } });
    const served = await serve(SAMPLE, { range: `bytes=${size}-` });
    expect(served.status).toBe(416);
    expect(served.headers.get("content-range")).toBe(`bytes */${size}`);
    expect(served.body).toBeNull();
    expect(await t.db.downloadLog.count({ where: { userId } })).toBe(before);
  });

  it("sends the whole file when If-Range names another version, or for several ranges", async () => {
    const file = publicFile(SAMPLE);
    const etag = `"${build.manifest.downloads.find((d) => d.name === SAMPLE)!.sha256}"`;
    const stale = await serve(SAMPLE, { range: "bytes=0-9", "if-range": `"${"0".repeat(64)}"` });
    expect(stale.status).toBe(200);
    expect((await readAll(stale.body)).equals(file)).toBe(true);
    const fresh = await serve(SAMPLE, { range: "bytes=0-9", "if-range": etag });
    expect(fresh.status).toBe(206);
    expect((await readAll(fresh.body)).equals(file.subarray(0, 10))).toBe(true);
    const multi = await serve(SAMPLE, { range: "bytes=0-9,20-29" });
    expect(multi.status).toBe(200);
    expect((await readAll(multi.body)).equals(file)).toBe(true);
  });

  it("HEAD gives the headers of a GET, no body and no log row", async () => {
    const before = await t.db.downloadLog.count({ where: { userId } });
    const head = await serve(TRAIN, { range: "bytes=0-0" }, { method: "HEAD" });
    expect(head.status).toBe(206);
    expect(head.headers.get("content-range")).toBe(`bytes 0-0/${publicFile(TRAIN).length}`);
    expect(head.body).toBeNull();
    expect(await t.db.downloadLog.count({ where: { userId } })).toBe(before);
  });

  it("404s every name that is not a registered file of the current dataset, traversal included", async () => {
    const names = [
      "test-labels.csv",
      "hidden/test-labels.csv",
      "../hidden/test-labels.csv",
      "..%2Fhidden%2Ftest-labels.csv",
      "..",
      ".",
      "",
      "dataset.json",
      "../dataset.json",
      "train.u8",
      "../cache/train-labels.csv",
      "/etc/passwd",
      "sample_submission.csv/",
      "SAMPLE_SUBMISSION.CSV",
      "sample_submission.csv\u0000",
    ];
    for (const name of names) expect(await appErrorCodeOf(serve(name)), JSON.stringify(name)).toBe("not-found");
  });

  it("never serves a path even if one was registered as a file name, nor files of other datasets", async () => {
    const current = await t.db.dataset.findFirstOrThrow({ where: { isCurrent: true } });
    const planted = "../hidden/test-labels.csv";
    const row = await t.db.datasetFile.create({
      data: { datasetId: current.id, name: planted, kind: "readme", sizeBytes: BigInt(10), sha256: "0".repeat(64) },
    });
    try {
      expect(await appErrorCodeOf(serve(planted))).toBe("not-found");
    } finally {
      await t.db.datasetFile.delete({ where: { id: row.id } });
    }
    // A retired dataset's file, even one that exists on disk under the same build folder name.
    const old = await t.db.dataset.create({
      data: {
        ...current,
        id: undefined,
        buildId: `old-${randomBytes(4).toString("hex")}`,
        isCurrent: false,
        status: "retired",
        labelStats: current.labelStats ?? {},
      },
    });
    await t.db.datasetFile.create({
      data: { datasetId: old.id, name: "old_only.csv", kind: "readme", sizeBytes: BigInt(1), sha256: "0".repeat(64) },
    });
    expect(await appErrorCodeOf(serve("old_only.csv"))).toBe("not-found");
  });

  it("the hidden labels are not the content of any downloadable file", async () => {
    const hidden = fs.readFileSync(buildPaths(build.buildDir).hiddenLabels);
    for (const f of build.manifest.downloads) {
      const body = await readAll((await serve(f.name)).body);
      expect(body.equals(hidden)).toBe(false);
      expect(body.includes(Buffer.from("Image_Id,Split,"))).toBe(false);
    }
  });

  it("streams in constant memory: reads ahead at most one chunk, and an abandoned download logs what was sent", async () => {
    const chunkSize = 1024;
    const fileReads = await spyOnFileHandleReads();
    try {
      const served = await serve(TRAIN, {}, { chunkSize });
      const reader = served.body!.getReader();
      const first = await reader.read();
      expect(first.value?.length).toBe(chunkSize);
      // Taking the first chunk frees the one-chunk queue, so the stream reads exactly one more.
      // Once that read has returned, every continuation it schedules runs before the next
      // macrotask: a stream that read further ahead would have started its third read by then.
      await vi.waitFor(() => expect(fileReads).toHaveBeenCalledTimes(2));
      await fileReads.mock.results[1].value;
      await new Promise((resolve) => setImmediate(resolve));
      expect(fileReads).toHaveBeenCalledTimes(2);
      await reader.cancel();
      await served.finished;
      const log = await t.db.downloadLog.findUniqueOrThrow({ where: { id: served.logId! } });
      expect(Number(log.bytesServed)).toBe(2 * chunkSize);
    } finally {
      fileReads.mockRestore();
    }
  });

  it("says 'unavailable' (not a crash) when the file on disk does not match its row", async () => {
    const file = await t.db.datasetFile.findFirstOrThrow({ where: { name: SAMPLE, dataset: { isCurrent: true } } });
    await t.db.datasetFile.update({ where: { id: file.id }, data: { sizeBytes: file.sizeBytes + BigInt(1) } });
    try {
      expect(await appErrorCodeOf(serve(SAMPLE))).toBe("unavailable");
    } finally {
      await t.db.datasetFile.update({ where: { id: file.id }, data: { sizeBytes: file.sizeBytes } });
    }
  });
});
