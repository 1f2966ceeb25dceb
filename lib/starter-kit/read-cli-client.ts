import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { projectRoot } from "../db/paths";
import { AppError } from "../errors/app-error";
import { KIT_DIR_NAME } from "./collect-starter-kit-files";

/** The participant command-line clients (starter-kit/cli/), served one by one by /api/cli/NAME and inside the starter kit. */
export const CLI_CLIENTS = {
  "tp.mjs": { contentType: "text/javascript; charset=utf-8", runtime: "Node.js 18+" },
  "tp.py": { contentType: "text/x-python; charset=utf-8", runtime: "Python 3.8+" },
} as const;
export type CliClientName = keyof typeof CLI_CLIENTS;

/** One client's bytes and SHA-256; any other name is "not found" (nothing from the request becomes a path). */
export function readCliClient(options: { name: string; projectRoot?: string }): {
  name: CliClientName;
  bytes: Buffer;
  sha256: string;
  contentType: string;
} {
  if (!Object.hasOwn(CLI_CLIENTS, options.name)) throw new AppError("not-found", { user: "There is no such client; try tp.mjs or tp.py." });
  const name = options.name as CliClientName;
  const bytes = fs.readFileSync(path.join(options.projectRoot ?? projectRoot(), KIT_DIR_NAME, "cli", name));
  return { name, bytes, sha256: crypto.createHash("sha256").update(bytes).digest("hex"), contentType: CLI_CLIENTS[name].contentType };
}
