import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { KitError } from "./kit-error";

/**
 * Checks the downloaded zips against SHA256SUMS (sha256sum format: "<hex>  <name>"), so a
 * truncated or damaged download is reported as such instead of as a strange zip error later.
 * Files listed but not present (e.g. zips already extracted) are skipped.
 */
export async function verifyChecksums(options: { dir: string; checksums: string }): Promise<string[]> {
  const checked: string[] = [];
  for (const line of fs.readFileSync(options.checksums, "utf8").split(/\r?\n/)) {
    const m = /^([0-9a-f]{64}) [ *](.+)$/i.exec(line.trim());
    if (!m) continue;
    const [, expected, name] = m;
    const file = path.join(options.dir, path.basename(name));
    if (!fs.existsSync(file)) continue;
    const hash = crypto.createHash("sha256");
    for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
    if (hash.digest("hex") !== expected.toLowerCase()) {
      throw new KitError(
        `${file} does not match its SHA-256 in ${path.basename(options.checksums)}: the download is incomplete or damaged. Download it again (or pass --skip-checksums to try anyway).`,
      );
    }
    checked.push(path.basename(name));
  }
  return checked;
}
