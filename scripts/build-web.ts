/**
 * `npm run build:web`: builds the web app when there is no build or the sources changed since the
 * last one, exactly as `npm start` does before serving (lib/setup/ensure-next-build.ts), and
 * records the sources' fingerprint so `npm start` then serves it without building. A deployment
 * runs it as the checkout's owner after `git pull && npm ci`, so the web services themselves never
 * need to write to the checkout (docs/production.md). NEXT_DIST_DIR picks another build folder.
 */
import path from "node:path";
import { ensureNextBuild } from "../lib/setup/ensure-next-build";

const started = Date.now();
ensureNextBuild({ root: path.resolve(__dirname, ".."), log: (msg) => process.stderr.write(msg + "\n") });
process.stderr.write(`web app built and up to date (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
