import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAppError } from "../errors/app-error";
import { describeEachEngine } from "../../test-support/test-db";
import { assertBlobKey, newBlobKey, type BlobStore } from "./blob-store";
import { createDatabaseBlobStore } from "./database-blob-store";
import { createLocalDiskBlobStore } from "./local-disk-blob-store";
import { createS3BlobStore, createS3Client } from "./s3-blob-store";
import { startLocalS3Server, type LocalS3Server } from "../../test-support/s3-server";
import { withBlobFile } from "./with-blob-file";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tp-blobs-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** A stream that yields `chunks` chunks of `size` bytes and records whether it was destroyed. */
function counted(chunks: number, size: number) {
  const state = { produced: 0, destroyed: false };
  const stream = new Readable({
    read() {
      if (state.produced >= chunks) return this.push(null);
      state.produced++;
      this.push(Buffer.alloc(size, state.produced));
    },
    destroy(err, cb) {
      state.destroyed = true;
      cb(err);
    },
  });
  return { stream, state };
}

function contract(name: string, makeStore: () => BlobStore) {
  describe(`blob store contract: ${name}`, () => {
    it("stores a stream, reports size and sha256, opens and deletes it", async () => {
      const store = makeStore();
      const bytes = Buffer.from("Image_Id,Gender\nx,female\n".repeat(1000));
      const key = newBlobKey({ prefix: "test" });
      const put = await store.putBlob({
        key,
        stream: Readable.from([bytes.subarray(0, 100), bytes.subarray(100)]),
        maxBytes: bytes.length,
      });
      expect(put).toEqual({ key, size: bytes.length, sha256: sha(bytes) });
      expect(await text(await store.openBlob(key))).toBe(bytes.toString());
      await withBlobFile({ store, key }, async (file) => expect(fs.readFileSync(file)).toEqual(bytes));
      await store.deleteBlob(key);
      await store.deleteBlob(key); // idempotent
      const err = await store.openBlob(key).catch((e: unknown) => e);
      expect(isAppError(err) && err.code).toBe("not-found");
    });

    it("refuses an upload over the limit while streaming and stops reading it", async () => {
      const store = makeStore();
      const { stream, state } = counted(1000, 64 * 1024);
      const key = newBlobKey({ prefix: "test" });
      const err = await store.putBlob({ key, stream, maxBytes: 1024 * 1024 }).catch((e: unknown) => e);
      expect(isAppError(err) && err.code).toBe("too-large");
      // Cut off just past the limit, not drained to the end.
      expect(state.produced).toBeLessThan(40);
      expect(state.destroyed).toBe(true);
      expect(await store.openBlob(key).catch((e: unknown) => isAppError(e) && e.code)).toBe("not-found");
    });

    it("refuses to overwrite an existing key and accepts buffers", async () => {
      const store = makeStore();
      const key = newBlobKey({ prefix: "test", name: "upload" });
      await store.putBlob({ key, buffer: Buffer.from("one"), maxBytes: 10 });
      const err = await store.putBlob({ key, buffer: Buffer.from("two"), maxBytes: 10 }).catch((e: unknown) => e);
      expect(isAppError(err) && err.code).toBe("conflict");
      expect(await text(await store.openBlob(key))).toBe("one");
    });
  });
}

contract("local disk", () => createLocalDiskBlobStore({ root: path.join(tmp, "uploads") }));

describe("local disk blob store", () => {
  it("leaves no partial file behind and removes emptied folders", async () => {
    const root = path.join(tmp, "uploads-2");
    const store = createLocalDiskBlobStore({ root });
    const { stream } = counted(100, 1024);
    const refused = await store.putBlob({ key: "a/b/c", stream, maxBytes: 10 }).catch((e: unknown) => e);
    expect(isAppError(refused) && refused.code).toBe("too-large");
    expect(fs.readdirSync(path.join(root, ".partial"))).toEqual([]);
    await store.putBlob({ key: "a/b/d", buffer: Buffer.from("x"), maxBytes: 10 });
    expect(store.localPath("a/b/d")).toBe(path.join(root, "a", "b", "d"));
    await store.deleteBlob("a/b/d");
    expect(fs.existsSync(path.join(root, "a"))).toBe(false);
  });

  it("accepts only generated-looking keys", () => {
    for (const bad of ["../x", "/abs", "a/../b", "A/B", "a//b", "a/./b", "x y", "", "a\\b"]) {
      expect(() => assertBlobKey(bad), bad).toThrow();
    }
    expect(() => assertBlobKey(newBlobKey({ prefix: "submissions", name: "manifest.json" }))).not.toThrow();
  });
});

describeEachEngine("database blob store", (t) => {
  contract("database", () => createDatabaseBlobStore({ db: t.db }));
});

describe("s3 blob store (s3rver)", () => {
  let server: LocalS3Server;
  beforeAll(async () => {
    server = await startLocalS3Server();
  });
  afterAll(async () => {
    await server?.close();
  });
  const store = () => createS3BlobStore({ client: createS3Client(server.settings), bucket: server.settings.bucket });

  contract("s3", store);

  it("streams a file larger than one part through a multipart upload", async () => {
    const s3 = store();
    // 12 MiB in 64 KiB chunks: three 5 MiB parts; never held whole by the store.
    const { stream } = counted(192, 64 * 1024);
    const key = newBlobKey({ prefix: "test", name: "upload" });
    const put = await s3.putBlob({ key, stream, maxBytes: 20 * 1024 * 1024 });
    expect(put.size).toBe(12 * 1024 * 1024);
    const hash = createHash("sha256");
    for await (const chunk of await s3.openBlob(key)) hash.update(chunk as Buffer);
    expect(hash.digest("hex")).toBe(put.sha256);
    await withBlobFile({ store: s3, key }, async (file) => expect(fs.statSync(file).size).toBe(put.size));
  });

  it("aborts a multipart upload over the limit: no object is created", async () => {
    const s3 = store();
    const { stream, state } = counted(200, 64 * 1024);
    const key = newBlobKey({ prefix: "test" });
    const err = await s3.putBlob({ key, stream, maxBytes: 7 * 1024 * 1024 }).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe("too-large");
    expect(state.produced).toBeLessThan(120);
    expect(await s3.openBlob(key).catch((e: unknown) => isAppError(e) && e.code)).toBe("not-found");
  });
});
