import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * The server-side seed that fixes the train/test and public/private splits and the
 * opaque test ids. It is never published (dataset.json stores only its hash): whoever
 * knows it can map test ids back to Image_Index and so to CelebA's public labels.
 * SPLIT_SEED overrides it (several web nodes must agree); otherwise one is created
 * once per instance under DATA_DIR/secrets with owner-only permissions.
 */
export function getSplitSeed(options: { dataDir: string; override?: string }): string {
  if (options.override) return options.override;
  const file = path.join(options.dataDir, "secrets", "split-seed");
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const seed = crypto.randomBytes(32).toString("hex");
  // wx: if two processes race, the loser re-reads the winner's seed.
  try {
    fs.writeFileSync(file, seed + "\n", { mode: 0o600, flag: "wx" });
    return seed;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return fs.readFileSync(file, "utf8").trim();
    throw err;
  }
}
