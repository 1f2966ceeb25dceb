import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * A random secret of this instance, created once under DATA_DIR/secrets/<name> with owner-only
 * permissions and read back on every later start, unless `override` (an environment variable;
 * several web nodes must agree on it) is given. If two processes race to create it, the loser
 * re-reads the winner's value.
 */
export function getInstanceSecret(options: { dataDir: string; name: string; override?: string }): string {
  if (options.override) return options.override;
  const file = path.join(options.dataDir, "secrets", options.name);
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = crypto.randomBytes(32).toString("hex");
  try {
    fs.writeFileSync(file, secret + "\n", { mode: 0o600, flag: "wx" });
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return fs.readFileSync(file, "utf8").trim();
    throw err;
  }
}
