import crypto from "node:crypto";

/** `sha256sum` output for the given files, in that order: `sha256sum -c SHA256SUMS` checks them. */
export function formatChecksums(files: readonly { name: string; sha256: string }[]): Buffer {
  return Buffer.from(files.map((f) => `${f.sha256}  ${f.name}`).join("\n") + "\n");
}

export function sha256Hex(data: Buffer | string): string {
  return crypto.createHash("sha256").update(data).digest("hex");
}
