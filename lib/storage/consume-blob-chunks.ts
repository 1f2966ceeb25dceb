import { createHash } from "node:crypto";
import { putBlobChunks, tooLargeError, type PutBlobOptions } from "./blob-store";
import { destroyBlobSource } from "./destroy-blob-source";

/**
 * Hands the bytes of a put to `consume` chunk by chunk, counting and hashing them as they
 * arrive. As soon as more than `maxBytes` arrived it stops the source (an HTTP upload is aborted,
 * not drained) and throws "too-large", before that chunk reaches `consume`: an oversized upload
 * is never stored whole, whichever store writes it.
 */
export async function consumeBlobChunks(
  put: PutBlobOptions,
  consume: (chunk: Uint8Array) => void | Promise<void>,
): Promise<{ size: number; sha256: string }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of putBlobChunks(put)) {
    size += chunk.length;
    if (size > put.maxBytes) {
      destroyBlobSource(put);
      throw tooLargeError(put.maxBytes);
    }
    hash.update(chunk);
    await consume(chunk);
  }
  return { size, sha256: hash.digest("hex") };
}
