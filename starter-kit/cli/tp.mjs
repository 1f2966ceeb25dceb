#!/usr/bin/env node
// Tiny Portraits command-line client. One file, no dependencies, Node 18+.
//
//   node tp.mjs login [--url URL] [--token TOKEN]
//   node tp.mjs download [--dir DIR]
//   node tp.mjs submit FILE [--model] [--manifest M.json] [--description TEXT] [--wait]
//   node tp.mjs submissions
//   node tp.mjs status ID
//   node tp.mjs leaderboard [--limit N]
//   node tp.mjs final [ID...] [--clear]
//
// Create a token on the site's account page (/account). `login` keeps the site URL and the token
// in ~/.config/tiny-portraits/credentials.json (readable by you only); TP_URL and TP_TOKEN
// override it. Exit status: 0 done, 1 refused or failed, 2 wrong usage.
import { createHash } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import readline from "node:readline/promises";
import { Writable } from "node:stream";

const USAGE = `usage: tp <command> [options]

  login [--url URL] [--token TOKEN]     store the site and your API token (asks when not given)
  download [--dir DIR]                  download every dataset file (resumable, SHA-256 checked)
  submit FILE [--model] [--manifest M.json] [--description TEXT] [--wait]
                                        upload predictions (.csv) or a model (.zip / .onnx)
  submissions                           list your submissions and today's quota
  status ID                             one submission with its scores
  leaderboard [--limit N]               the public leaderboard
  final [ID...] [--clear]               choose your final submissions for the private leaderboard
                                        (no ID: show the current choice; --clear: choose none)

Environment: TP_URL and TP_TOKEN override the stored credentials.`;

class CliError extends Error {
  constructor(message, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

function parseArgs(argv) {
  const positional = [];
  const flags = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
      if (eq > 0) flags[name] = arg.slice(eq + 1);
      else if (["model", "wait", "help", "clear"].includes(name)) flags[name] = true;
      else if (i + 1 < argv.length) flags[name] = argv[++i];
      else throw new CliError(`--${name} needs a value`, 2);
    } else positional.push(arg);
  }
  return { positional, flags };
}

// ---------------------------------------------------------------- credentials

function configDir() {
  const base = process.env.XDG_CONFIG_HOME || path.join(os.homedir(), ".config");
  return path.join(base, "tiny-portraits");
}
const credentialsPath = () => path.join(configDir(), "credentials.json");

function readCredentials() {
  let stored = {};
  try {
    stored = JSON.parse(fs.readFileSync(credentialsPath(), "utf8"));
  } catch {
    // none yet
  }
  const url = (process.env.TP_URL || stored.url || "").replace(/\/+$/, "");
  const token = process.env.TP_TOKEN || stored.token || "";
  if (!url || !token) throw new CliError("Not logged in: run `tp login` first (or set TP_URL and TP_TOKEN).", 2);
  return { url, token };
}

function writeCredentials(credentials) {
  fs.mkdirSync(configDir(), { recursive: true, mode: 0o700 });
  const file = credentialsPath();
  const temp = `${file}.${process.pid}.tmp`;
  // Created 0600 from the start: the token is never readable by others, not even for a moment.
  fs.writeFileSync(temp, JSON.stringify(credentials, null, 2) + "\n", { mode: 0o600 });
  fs.chmodSync(temp, 0o600);
  fs.renameSync(temp, file);
  return file;
}

// ---------------------------------------------------------------- HTTP

async function api(credentials, pathname, init = {}) {
  const headers = { authorization: `Bearer ${credentials.token}`, "user-agent": "tiny-portraits-cli/1 (node)", ...(init.headers || {}) };
  let response;
  try {
    response = await fetch(credentials.url + pathname, { ...init, headers });
  } catch (error) {
    throw new CliError(`Cannot reach ${credentials.url}: ${error.cause?.message || error.message}`);
  }
  return response;
}

async function apiJson(credentials, pathname, init = {}) {
  const response = await api(credentials, pathname, init);
  const body = await response.json().catch(() => null);
  if (!response.ok) throw apiError(response, body);
  return body;
}

function apiError(response, body) {
  const error = body && body.error;
  const lines = [error && error.message ? error.message : `The server answered ${response.status} ${response.statusText}.`];
  for (const detail of (error && error.details) || []) {
    lines.push(
      detail.line !== undefined
        ? `  line ${detail.line}: ${detail.message}`
        : `  ${detail.field ? `${detail.field}: ` : ""}${detail.message}`,
    );
  }
  const retry = response.headers.get("retry-after");
  if (response.status === 429 && retry) lines.push(`  (try again in ${retry} s)`);
  return new CliError(lines.join("\n"));
}

// ---------------------------------------------------------------- commands

async function login(flags) {
  // The terminal echo goes through `output`, muted while the token is typed (like a password).
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = process.stdin.isTTY ? readline.createInterface({ input: process.stdin, output, terminal: true }) : null;
  const ask = async (question, hidden = false) => {
    if (!rl) throw new CliError(`${question.trim()} (pass it as an option when not running in a terminal)`, 2);
    if (!hidden) return (await rl.question(question)).trim();
    process.stderr.write(question);
    muted = true;
    try {
      return (await rl.question("")).trim();
    } finally {
      muted = false;
      process.stderr.write("\n");
    }
  };
  try {
    const url = String(flags.url || process.env.TP_URL || (await ask("Site URL (e.g. https://portraits.example.org): "))).replace(
      /\/+$/,
      "",
    );
    if (!/^https?:\/\/[^/]+/.test(url)) throw new CliError("The site URL must start with http:// or https://.", 2);
    const token = String(
      flags.token || process.env.TP_TOKEN || (await ask("API token (from the account page, tp_...; not shown): ", true)),
    );
    if (!token.startsWith("tp_")) throw new CliError("That does not look like an API token (they start with tp_).", 2);
    // Check it before storing: a read-scope call, or a 403 for a submit-only token, proves it is valid.
    const response = await api({ url, token }, "/api/submissions");
    if (response.status !== 200 && response.status !== 403) throw apiError(response, await response.json().catch(() => null));
    const file = writeCredentials({ url, token });
    console.log(`Logged in to ${url}. Token stored in ${file} (readable by you only).`);
  } finally {
    rl?.close();
  }
}

async function sha256File(file) {
  const hash = createHash("sha256");
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk);
  return hash.digest("hex");
}

function formatBytes(n) {
  const units = ["B", "kB", "MB", "GB"];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

function progress(name, done, total) {
  const percent = total ? Math.floor((done / total) * 100) : 0;
  const line = `${name}: ${formatBytes(done)} of ${formatBytes(total)} (${percent}%)`;
  if (process.stderr.isTTY) process.stderr.write(`\r${line}\x1b[K`);
  else process.stderr.write(line + "\n");
}

/** Downloads one file into DIR/NAME.part (resuming what is there), checks it, then renames it. */
async function downloadFile(credentials, file, dir, expectedSha) {
  const target = path.join(dir, file.name);
  const part = `${target}.part`;
  if (fs.existsSync(target) && fs.statSync(target).size === file.sizeBytes && (await sha256File(target)) === expectedSha) {
    console.log(`${file.name}: already here, checksum OK`);
    return;
  }
  let have = fs.existsSync(part) ? fs.statSync(part).size : 0;
  if (have > file.sizeBytes) {
    fs.rmSync(part);
    have = 0;
  }
  const headers = {};
  if (have > 0 && have < file.sizeBytes) {
    headers.range = `bytes=${have}-`;
    // If the file changed on the server since, the whole new file comes back (200).
    headers["if-range"] = `"${file.sha256}"`;
  }
  if (have < file.sizeBytes || have === 0) {
    const response = await api(credentials, file.url, { headers });
    if (response.status !== 200 && response.status !== 206) throw apiError(response, await response.json().catch(() => null));
    const resumed = response.status === 206;
    if (resumed) console.log(`${file.name}: resuming at ${formatBytes(have)}`);
    const out = fs.createWriteStream(part, { flags: resumed ? "a" : "w" });
    let done = resumed ? have : 0;
    let last = 0;
    try {
      for await (const chunk of response.body) {
        if (!out.write(chunk)) await new Promise((resolve) => out.once("drain", resolve));
        done += chunk.length;
        if (Date.now() - last > 1000) {
          progress(file.name, done, file.sizeBytes);
          last = Date.now();
        }
      }
    } catch (error) {
      // The connection dropped: what arrived stays in NAME.part for the next run to resume from.
      if (process.stderr.isTTY) process.stderr.write("\n");
      throw new CliError(
        `${file.name}: the download stopped at ${formatBytes(done)} of ${formatBytes(file.sizeBytes)} ` +
          `(${error.cause?.message || error.message}); run download again to resume.`,
      );
    } finally {
      await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
    }
    if (done < file.sizeBytes)
      throw new CliError(
        `${file.name}: the server sent ${formatBytes(done)} of ${formatBytes(file.sizeBytes)}; run download again to resume.`,
      );
    progress(file.name, done, file.sizeBytes);
    if (process.stderr.isTTY) process.stderr.write("\n");
  }
  const actual = await sha256File(part);
  if (actual !== expectedSha) {
    fs.rmSync(part, { force: true });
    throw new CliError(
      `${file.name}: SHA-256 mismatch (got ${actual}, expected ${expectedSha}); the partial file was removed, run download again.`,
    );
  }
  fs.renameSync(part, target);
  console.log(`${file.name}: ${formatBytes(file.sizeBytes)}, SHA-256 OK`);
}

async function download(flags) {
  const credentials = readCredentials();
  const dir = path.resolve(String(flags.dir || "tiny-portraits-data"));
  fs.mkdirSync(dir, { recursive: true });
  const listing = await apiJson(credentials, "/api/downloads");
  const sumsFile = listing.files.find((f) => f.name === "SHA256SUMS");
  // SHA256SUMS first: every other file is checked against it (and it against the listing).
  const sums = new Map();
  if (sumsFile) {
    await downloadFile(credentials, sumsFile, dir, sumsFile.sha256);
    for (const line of fs.readFileSync(path.join(dir, "SHA256SUMS"), "utf8").split("\n")) {
      const match = /^([0-9a-f]{64}) [ *]?(.+)$/.exec(line.trim());
      if (match) sums.set(match[2], match[1]);
    }
  }
  for (const file of listing.files) {
    if (file === sumsFile) continue;
    const expected = sums.get(file.name) || file.sha256;
    if (sums.size && sums.get(file.name) && sums.get(file.name) !== file.sha256)
      throw new CliError(`${file.name}: SHA256SUMS and the file list disagree; try again later.`);
    await downloadFile(credentials, file, dir, expected);
  }
  console.log(`All ${listing.files.length} files are in ${dir}`);
}

function printScores(submission) {
  console.log(`${submission.id}  ${submission.fileName}  ${submission.status}`);
  if (submission.status === "failed") {
    console.log(`  failed: ${submission.errorMessage || "no reason given"}`);
    return;
  }
  if (submission.publicMain !== null && submission.publicMain !== undefined)
    console.log(`  public score (mean macro-F1): ${submission.publicMain}`);
  const attributes = submission.publicScores && submission.publicScores.attributes;
  if (attributes) {
    for (const [name, a] of Object.entries(attributes))
      console.log(`  ${name}: macro-F1 ${a.macroF1 ?? "-"}, accuracy ${a.accuracy ?? "-"}`);
  }
  const fairness = submission.publicScores && submission.publicScores.fairness;
  if (fairness && typeof fairness === "object") {
    for (const [key, value] of Object.entries(fairness)) if (typeof value === "number") console.log(`  fairness ${key}: ${value}`);
  }
  if (submission.privateMain !== null && submission.privateMain !== undefined) console.log(`  private score: ${submission.privateMain}`);
}

async function waitForScore(credentials, id) {
  // Ctrl-C stops waiting, not the scoring: say how to look again.
  const onInterrupt = () => {
    process.stderr.write(`\nStopped waiting; the submission is still being scored. Look again with: tp status ${id}\n`);
    process.exit(130);
  };
  process.once("SIGINT", onInterrupt);
  let shown = "";
  try {
    for (;;) {
      const { submission } = await apiJson(credentials, `/api/submissions/${encodeURIComponent(id)}`);
      if (submission.status === "scored" || submission.status === "failed") {
        if (shown) process.stderr.write("\n");
        return submission;
      }
      // One word per status (queued, running...), then a dot a second.
      process.stderr.write(submission.status === shown ? "." : `${shown ? "\n" : ""}${submission.status}`);
      shown = submission.status;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  } finally {
    process.removeListener("SIGINT", onInterrupt);
  }
}

/** A file the user named: a clear "No such file" (exit 2) rather than a stack trace. */
function requireFile(file) {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new CliError(`No such file: ${file}`, 2);
}

async function submit(positional, flags) {
  const credentials = readCredentials();
  const file = positional[0];
  if (!file) throw new CliError("usage: tp submit FILE [--model] [--manifest M.json] [--description TEXT] [--wait]", 2);
  requireFile(file);
  const lower = file.toLowerCase();
  const kind = flags.model || lower.endsWith(".zip") || lower.endsWith(".onnx") ? "model" : "csv";
  const query = new URLSearchParams({ fileName: path.basename(file), kind });
  if (flags.description) query.set("description", String(flags.description));
  const headers = { "content-type": "application/octet-stream" };
  if (flags.manifest) {
    const manifest = String(flags.manifest);
    requireFile(manifest);
    const text = fs.readFileSync(manifest);
    try {
      JSON.parse(text.toString("utf8"));
    } catch (error) {
      throw new CliError(`${manifest} is not valid JSON: ${error.message}`, 2);
    }
    headers["x-submission-manifest"] = text.toString("base64");
  }
  // A Blob streams from disk and carries its size (Content-Length): the server refuses an
  // over-limit file before the upload starts.
  const body = typeof fs.openAsBlob === "function" ? await fs.openAsBlob(file) : await fsp.readFile(file);
  const response = await api(credentials, `/api/submissions?${query}`, { method: "POST", headers, body });
  const result = await response.json().catch(() => null);
  if (response.status !== 201) throw apiError(response, result);
  const { submission, quota } = result;
  console.log(`Submitted ${submission.fileName} as ${submission.id}`);
  if (quota && typeof quota.remaining === "number")
    console.log(`  ${quota.remaining} submission${quota.remaining === 1 ? "" : "s"} left today`);
  if (flags.wait) {
    const done = await waitForScore(credentials, submission.id);
    printScores(done);
    if (done.status === "failed") throw new CliError("The submission was not scored.");
  } else console.log(`  follow it with: tp status ${submission.id}`);
}

async function submissions() {
  const credentials = readCredentials();
  const { submissions: list, quota } = await apiJson(credentials, "/api/submissions");
  if (quota && typeof quota.remaining === "number") console.log(`${quota.remaining} of ${quota.limit ?? "?"} submissions left today`);
  if (!list.length) console.log("No submissions yet.");
  for (const s of list) {
    const score = s.publicMain !== null && s.publicMain !== undefined ? String(s.publicMain) : s.status;
    console.log(
      `${s.id}  ${String(s.createdAt).slice(0, 16).replace("T", " ")}  ${s.kind.padEnd(5)}  ${score.padEnd(8)}  ${s.isFinal ? "final  " : "       "}${s.fileName}`,
    );
  }
}

async function status(positional) {
  const credentials = readCredentials();
  if (!positional[0]) throw new CliError("usage: tp status ID", 2);
  const { submission } = await apiJson(credentials, `/api/submissions/${encodeURIComponent(positional[0])}`);
  printScores(submission);
}

async function leaderboard(flags) {
  const credentials = readCredentials();
  const board = await apiJson(credentials, "/api/leaderboard");
  const limit = flags.limit ? Number(flags.limit) : 50;
  console.log(`${"rank".padEnd(5)} ${"name".padEnd(32)} score`);
  for (const row of (board.rows || []).slice(0, limit)) {
    const rank = row.rank === null || row.rank === undefined ? "-" : String(row.rank);
    const name = `${row.name}${row.kind === "baseline" ? " (baseline)" : ""}${row.members ? ` (${row.members.join(", ")})` : ""}`;
    const main = row.metrics && row.metrics.main !== null && row.metrics.main !== undefined ? row.metrics.main.toFixed(4) : "-";
    console.log(`${rank.padEnd(5)} ${name.slice(0, 32).padEnd(32)} ${main}`);
  }
}

async function final(positional, flags) {
  const credentials = readCredentials();
  if (!positional.length && !flags.clear) {
    // No ID: show the choice rather than silently clearing it.
    const { submissions: list } = await apiJson(credentials, "/api/submissions");
    const chosen = list.filter((s) => s.isFinal).map((s) => s.id);
    console.log(
      chosen.length
        ? `Final submissions: ${chosen.join(", ")}`
        : "No final submissions chosen: your best public entries count. Choose with: tp final ID [ID...]",
    );
    return;
  }
  if (positional.length && flags.clear) throw new CliError("Give submission ids or --clear, not both.", 2);
  const result = await apiJson(credentials, "/api/submissions/final", {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ submissionIds: positional }),
  });
  console.log(
    result.selected.length
      ? `Final submissions: ${result.selected.join(", ")} (at most ${result.maxFinal})`
      : "No final submissions selected.",
  );
}

async function main(argv) {
  const { positional, flags } = parseArgs(argv);
  const command = positional.shift();
  if (!command || flags.help || command === "help") {
    console.log(USAGE);
    return;
  }
  switch (command) {
    case "login":
      return login(flags);
    case "download":
      return download(flags);
    case "submit":
      return submit(positional, flags);
    case "submissions":
      return submissions();
    case "status":
      return status(positional);
    case "leaderboard":
      return leaderboard(flags);
    case "final":
      return final(positional, flags);
    default:
      throw new CliError(`Unknown command "${command}".\n\n${USAGE}`, 2);
  }
}

main(process.argv.slice(2)).catch((error) => {
  if (error instanceof CliError) {
    console.error(error.message);
    process.exit(error.exitCode);
  }
  // A local problem (a folder that cannot be written, a full disk): its message, not a stack trace.
  console.error(process.env.TP_DEBUG ? error : `Error: ${error.message}`);
  process.exit(1);
});
