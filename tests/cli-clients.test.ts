/*
 * The participant CLIs (starter-kit/cli/tp.mjs and tp.py) as participants run them: child
 * processes talking real HTTP, with a personal API token, to a server that runs the real route
 * handlers, token resolution, database, blob store and an in-process scoring worker. The server
 * is a small Node HTTP server rather than `next start` (which would need a production build of
 * the whole app): it passes responses on the way Next.js 16 does (dropping Content-Length) and
 * uses the same hooks as scripts/serve-web.ts, so the Content-Length checks below test our fix.
 * e2e/account.spec.ts covers the same against `npm start`.
 */
import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import type { ReadableStream as NodeWebReadableStream } from "node:stream/web";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { stampSocketAddress } from "../lib/http/client-address";
import { restoreDeclaredContentLength } from "../lib/http/declared-content-length";
import { createApiToken } from "../lib/auth/create-api-token";
import { buildStarterKit, STARTER_KIT_FOLDER } from "../lib/starter-kit/build-starter-kit";
import { startWorker, type Worker } from "../scorer/worker";
import { createTestDatabase, type TestDatabase } from "../test-support/test-db";
import { createTestUser, predictionsCsv, registerFixtureDataset } from "../test-support/scoring/scoring-fixture";
import { setUpScoringFixture } from "../test-support/scoring/set-up-scoring-fixture";
import { setUpTestEnv } from "../test-support/env/set-up-test-env";
import { setRouteDb } from "../test-support/routes/route-db";
import { makeManifest, writeOnnxBundle } from "../test-support/models/model-fixtures";

// No browser here: no session cookie in any request, so only a token can authenticate.
vi.mock("next/headers", () => ({ cookies: async () => ({ get: () => undefined }), headers: async () => new Headers() }));
vi.mock("@/lib/db/client", async (real) => (await import("../test-support/routes/route-db")).withRouteDb(await real<object>()));

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "..");
const NODE_CLI = path.join(ROOT, "starter-kit", "cli", "tp.mjs");
const PY_CLI = path.join(ROOT, "starter-kit", "cli", "tp.py");

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
let routes: { pattern: RegExp; method: string; handler: Handler; param?: string }[];

const fixture = setUpScoringFixture({ count: 160 });
const { setTestEnv } = setUpTestEnv();
let database: TestDatabase;
let worker: Worker;
let server: http.Server;
let baseUrl: string;
let tmp: string;

/** When set, the next download body is cut (the socket destroyed) after this many bytes: a dropped connection. */
let cutNextDownloadAfter: number | null = null;

/** Next.js's send-response: status, headers minus content-length/-encoding/transfer-encoding, body (none for HEAD). */
async function sendLikeNext(request: http.IncomingMessage, response: http.ServerResponse, answer: Response) {
  response.statusCode = answer.status;
  answer.headers.forEach((value, name) => {
    if (!["content-length", "content-encoding", "transfer-encoding"].includes(name)) response.appendHeader(name, value);
  });
  const cut = request.url?.startsWith("/api/downloads/") ? cutNextDownloadAfter : null;
  if (cut !== null) cutNextDownloadAfter = null;
  if (answer.body && request.method !== "HEAD") {
    let sent = 0;
    for await (const chunk of Readable.fromWeb(answer.body as NodeWebReadableStream<Uint8Array>)) {
      if (cut !== null && sent + chunk.length > cut) {
        await new Promise<void>((resolve) => response.write(chunk.subarray(0, cut - sent), () => resolve()));
        response.socket?.destroy();
        return;
      }
      sent += chunk.length;
      if (!response.write(chunk)) await new Promise((resolve) => response.once("drain", resolve));
    }
  }
  response.end();
}

async function dispatch(request: http.IncomingMessage, response: http.ServerResponse) {
  const url = new URL(request.url ?? "/", baseUrl);
  const method = request.method === "HEAD" ? "GET" : (request.method ?? "GET");
  for (const route of routes) {
    const match = route.pattern.exec(url.pathname);
    if (!match || route.method !== method) continue;
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) if (typeof value === "string") headers.set(name, value);
    const hasBody = request.method === "POST" || request.method === "PUT";
    const webRequest = new Request(url, {
      method: request.method,
      headers,
      ...(hasBody ? { body: Readable.toWeb(request) as ReadableStream<Uint8Array>, duplex: "half" } : {}),
    });
    const params = route.param ? { [route.param]: decodeURIComponent(match[1]) } : {};
    const handler = request.method === "HEAD" && route.pattern.source.includes("downloads\\/([^/]+)") ? headRoute : route.handler;
    return sendLikeNext(request, response, await handler(webRequest, { params: Promise.resolve(params) }));
  }
  response.writeHead(404).end();
}
let headRoute: Handler;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tp-cli-"));
  setTestEnv({ DATA_DIR: fixture.dataDir, BLOB_STORE: "disk", API_TOKEN_REQUESTS_PER_MINUTE: "1000" });
  database = await createTestDatabase({ engine: "sqlite" });
  setRouteDb(database.db);
  await registerFixtureDataset({ db: database.db, fixture });

  const downloadName = await import("@/app/api/downloads/[name]/route");
  headRoute = downloadName.HEAD as Handler;
  routes = [
    { pattern: /^\/api\/downloads$/, method: "GET", handler: (await import("@/app/api/downloads/route")).GET },
    { pattern: /^\/api\/downloads\/([^/]+)$/, method: "GET", handler: downloadName.GET as Handler, param: "name" },
    { pattern: /^\/api\/submissions$/, method: "POST", handler: (await import("@/app/api/submissions/route")).POST },
    { pattern: /^\/api\/submissions$/, method: "GET", handler: (await import("@/app/api/submissions/route")).GET },
    { pattern: /^\/api\/submissions\/final$/, method: "PUT", handler: (await import("@/app/api/submissions/final/route")).PUT },
    {
      pattern: /^\/api\/submissions\/([^/]+)$/,
      method: "GET",
      handler: (await import("@/app/api/submissions/[id]/route")).GET as Handler,
      param: "id",
    },
    { pattern: /^\/api\/leaderboard$/, method: "GET", handler: (await import("@/app/api/leaderboard/route")).GET },
    { pattern: /^\/api\/account\/export$/, method: "GET", handler: (await import("@/app/api/account/export/route")).GET },
    { pattern: /^\/api\/organizer\/labels$/, method: "GET", handler: (await import("@/app/api/organizer/labels/route")).GET },
  ];
  server = http.createServer((request, response) => {
    // The same two hooks as scripts/serve-web.ts.
    stampSocketAddress(request);
    restoreDeclaredContentLength(response);
    dispatch(request, response).catch((error: unknown) => {
      console.error(error);
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  worker = startWorker({ db: database.db, dataDir: fixture.dataDir, pollMs: 50 });
});

afterAll(async () => {
  await worker?.stop();
  await new Promise((resolve) => server?.close(resolve));
  await database?.drop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** The child's environment: its own home and config folder, no TP_URL / TP_TOKEN from ours. */
function cliEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, ".config") };
  delete env.TP_URL;
  delete env.TP_TOKEN;
  return env;
}

async function cli(kind: "node" | "python", args: string[], home: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const [command, script] = kind === "node" ? [process.execPath, NODE_CLI] : ["/usr/bin/python3", PY_CLI];
  try {
    const { stdout, stderr } = await run(command, [script, ...args], { env: cliEnv(home), cwd: home, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

/**
 * `login` with no options in a terminal (a pseudo-terminal from util-linux `script`): answers the
 * two questions as a person types them, and returns everything the terminal showed.
 */
async function loginInTerminal(kind: "node" | "python", home: string, answers: string[]): Promise<{ code: number; screen: string }> {
  const command = kind === "node" ? `${process.execPath} ${NODE_CLI} login` : `/usr/bin/python3 ${PY_CLI} login`;
  const child = spawn("script", ["-qfec", command, "/dev/null"], { env: cliEnv(home), cwd: home });
  let screen = "";
  child.stdout.on("data", (chunk: Buffer) => (screen += chunk.toString("utf8")));
  const waitFor = async (text: string) => {
    for (let i = 0; i < 200 && !screen.includes(text); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  };
  await waitFor("Site URL");
  child.stdin.write(`${answers[0]}\r`);
  await waitFor("API token");
  await new Promise((resolve) => setTimeout(resolve, 200));
  child.stdin.write(`${answers[1]}\r`);
  const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? 1)));
  return { code, screen };
}

describe.each(["node", "python"] as const)("the %s CLI", (kind) => {
  let home: string;
  let token: string;
  let userId: string;

  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(tmp, `${kind}-`));
    const user = await createTestUser({ db: database.db });
    userId = user.id;
    token = (await createApiToken({ db: database.db, userId, input: { name: `${kind} cli`, scopes: ["read", "submit"] } })).token;
  });

  it("logs in: the token is checked, then stored readable by the owner only", async () => {
    const refused = await cli(kind, ["login", "--url", baseUrl, "--token", `tp_${"x".repeat(43)}`], home);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("not valid");
    const result = await cli(kind, ["login", "--url", baseUrl, "--token", token], home);
    expect(result.code, result.stderr).toBe(0);
    const file = path.join(home, ".config", "tiny-portraits", "credentials.json");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual({ url: baseUrl, token });
  });

  it.skipIf(!fs.existsSync("/usr/bin/script"))(
    "logs in from a terminal: asks for the URL and the token, and never shows the token",
    async () => {
      const typed = path.join(tmp, `${kind}-typed`);
      fs.mkdirSync(typed);
      const result = await loginInTerminal(kind, typed, [baseUrl, token]);
      expect(result.code, result.screen).toBe(0);
      expect(result.screen).toContain("API token");
      expect(result.screen).toContain("Logged in to");
      expect(result.screen).not.toContain(token.slice(3, 20));
      expect(JSON.parse(fs.readFileSync(path.join(typed, ".config", "tiny-portraits", "credentials.json"), "utf8"))).toEqual({
        url: baseUrl,
        token,
      });
    },
  );

  it("downloads every file with checked SHA-256, and resumes a cut download with Range", async () => {
    const dir = path.join(home, "data");
    const first = await cli(kind, ["download", "--dir", dir], home);
    expect(first.code, first.stderr).toBe(0);
    const listing = fixture.manifest.downloads;
    for (const file of listing) {
      expect(fs.statSync(path.join(dir, file.name)).size).toBe(file.sizeBytes);
      expect(first.stdout).toContain(`${file.name}: `);
    }
    expect(first.stdout.match(/SHA-256 OK/g)?.length).toBe(listing.length);

    // Cut the biggest file in half, as an interrupted download leaves it.
    const biggest = [...listing].sort((a, b) => b.sizeBytes - a.sizeBytes)[0];
    const full = path.join(dir, biggest.name);
    const half = Math.floor(biggest.sizeBytes / 2);
    fs.writeFileSync(`${full}.part`, fs.readFileSync(full).subarray(0, half));
    fs.rmSync(full);
    const second = await cli(kind, ["download", "--dir", dir], home);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain(`${biggest.name}: resuming at`);
    expect(second.stdout).toContain(`${listing.find((f) => f !== biggest)!.name}: already here, checksum OK`);
    expect(fs.statSync(full).size).toBe(biggest.sizeBytes);
    const resumed = await database.db.downloadLog.findFirst({ where: { userId, rangeHeader: `bytes=${half}-` } });
    expect(resumed && Number(resumed.bytesServed)).toBe(biggest.sizeBytes - half);

    // The connection drops in the middle of the file: a clear message and exit 1, the bytes that
    // arrived are kept, and the next run resumes from them.
    const whole = fs.readFileSync(full);
    fs.rmSync(full);
    const cutAt = Math.floor(biggest.sizeBytes / 3);
    cutNextDownloadAfter = cutAt;
    const dropped = await cli(kind, ["download", "--dir", dir], home);
    expect(dropped.code, dropped.stdout + dropped.stderr).toBe(1);
    expect(dropped.stderr).toContain(`${biggest.name}: the `);
    expect(dropped.stderr).toContain("run download again to resume");
    expect(dropped.stderr).not.toMatch(/Traceback|at .*\.mjs:\d+/);
    // What arrived is kept: a prefix of the file, at most the bytes sent (Node's fetch may drop
    // chunks still queued in the body stream when the connection errors, so not always all of them).
    const kept = fs.readFileSync(`${full}.part`);
    expect(kept.length).toBeLessThanOrEqual(cutAt);
    expect(kept.equals(whole.subarray(0, kept.length))).toBe(true);
    const again = await cli(kind, ["download", "--dir", dir], home);
    expect(again.code, again.stderr).toBe(0);
    if (kept.length > 0) expect(again.stdout).toContain(`${biggest.name}: resuming at ${kept.length < 1000 ? `${kept.length} B` : ""}`);
    expect(createHash("sha256").update(fs.readFileSync(full)).digest("hex")).toBe(biggest.sha256);

    // A corrupted partial file is caught by the checksum, removed, and reported.
    fs.writeFileSync(`${full}.part`, Buffer.alloc(half, 7));
    fs.rmSync(full);
    const corrupt = await cli(kind, ["download", "--dir", dir], home);
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toContain("SHA-256 mismatch");
    expect(fs.existsSync(`${full}.part`)).toBe(false);
  });

  it("submits a CSV and prints its scores; a refused CSV prints its line numbers; lists and picks finals", async () => {
    const good = path.join(home, "predictions.csv");
    fs.writeFileSync(good, predictionsCsv({ fixture, mode: "truth" }));
    const submitted = await cli(kind, ["submit", good, "--description", `${kind} run`, "--wait"], home);
    expect(submitted.code, submitted.stderr).toBe(0);
    expect(submitted.stdout).toMatch(/Submitted predictions\.csv as \S+/);
    expect(submitted.stdout).toMatch(/scored/);
    expect(submitted.stdout).toMatch(/public score \(mean macro-F1\): 1\b/);
    const id = /as (\S+)/.exec(submitted.stdout)![1];

    const lines = predictionsCsv({ fixture, mode: "constant" }).split("\n");
    lines[3] = lines[3].replace(/,[^,]+$/, ",curly-ish");
    const bad = path.join(home, "bad.csv");
    fs.writeFileSync(bad, lines.join("\n"));
    const refused = await cli(kind, ["submit", bad], home);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/line 4: .*curly-ish/);

    const list = await cli(kind, ["submissions"], home);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain(id);
    expect(list.stdout).toContain("predictions.csv");

    const final = await cli(kind, ["final", id], home);
    expect(final.code, final.stderr).toBe(0);
    expect(final.stdout).toContain(`Final submissions: ${id}`);
    expect((await database.db.submission.findUniqueOrThrow({ where: { id } })).isFinal).toBe(true);
    // `final` alone shows the choice and never clears it; --clear does.
    const shown = await cli(kind, ["final"], home);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`Final submissions: ${id}`);
    expect((await database.db.submission.findUniqueOrThrow({ where: { id } })).isFinal).toBe(true);
    expect((await cli(kind, ["final", id, "--clear"], home)).code).toBe(2);
    const cleared = await cli(kind, ["final", "--clear"], home);
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(cleared.stdout).toContain("No final submissions selected.");
    expect((await database.db.submission.findUniqueOrThrow({ where: { id } })).isFinal).toBe(false);
    expect((await cli(kind, ["final"], home)).stdout).toContain("No final submissions chosen");

    const board = await cli(kind, ["leaderboard"], home);
    expect(board.code, board.stderr).toBe(0);
    expect(board.stdout).toMatch(/rank\s+name\s+score/);
  });

  it("submits a bare ONNX model with its manifest, scored in the sandbox; a missing or broken manifest is a usage error", async () => {
    const bundle = path.join(home, "bundle");
    writeOnnxBundle(bundle, { manifest: makeManifest("onnx"), heads: "sliced" });
    const model = path.join(bundle, "model.onnx");
    const manifest = path.join(bundle, "manifest.json");

    const missing = await cli(kind, ["submit", model, "--manifest", path.join(home, "nope.json")], home);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("No such file:");
    expect(missing.stderr).not.toMatch(/Traceback|ENOENT/);
    const broken = path.join(home, "broken.json");
    fs.writeFileSync(broken, '{ "format": "onnx", ');
    const refused = await cli(kind, ["submit", model, "--manifest", broken], home);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("broken.json is not valid JSON");
    const before = await database.db.submission.count({ where: { userId } });

    const submitted = await cli(
      kind,
      ["submit", model, "--model", "--manifest", manifest, "--description", "colour model", "--wait"],
      home,
    );
    expect(submitted.code, submitted.stdout + submitted.stderr).toBe(0);
    const id = /as (\S+)/.exec(submitted.stdout)![1];
    const row = await database.db.submission.findUniqueOrThrow({ where: { id }, include: { score: true } });
    expect(row).toMatchObject({ kind: "model", status: "scored", modelFormat: "onnx" });
    // The printed score is the one the API gives (under the phase's score policy), which is the
    // stored one as the policy shows it; each attribute is there.
    const printed = Number(/public score \(mean macro-F1\): (\S+)/.exec(submitted.stdout)![1]);
    const shown = (await (await fetch(`${baseUrl}/api/submissions/${id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      submission: { publicMain: number };
    };
    expect(printed).toBe(shown.submission.publicMain);
    expect(Math.abs(printed - row.score!.publicMain)).toBeLessThan(0.001);
    for (const attribute of ["Gender", "Hair_Color", "Hair_Type"])
      expect(submitted.stdout).toMatch(new RegExp(`${attribute}: macro-F1 [0-9.]+`));
    // The refused manifests spent nothing.
    expect(await database.db.submission.count({ where: { userId } })).toBe(before + 1);
  });
});

describe("tokens over HTTP", () => {
  it("a read-only token cannot submit; a token never opens the account or organizer routes", async () => {
    const user = await createTestUser({ db: database.db, role: "organizer" });
    const { token } = await createApiToken({ db: database.db, userId: user.id, input: { name: "read", scopes: ["read"] } });
    const auth = { authorization: `Bearer ${token}` };
    expect((await fetch(`${baseUrl}/api/submissions`, { headers: auth })).status).toBe(200);
    const upload = await fetch(`${baseUrl}/api/submissions?fileName=p.csv&kind=csv`, { method: "POST", headers: auth, body: "x" });
    expect(upload.status).toBe(403);
    expect(((await upload.json()) as { error: { message: string } }).error.message).toContain('"submit" scope');
    expect((await fetch(`${baseUrl}/api/account/export`, { headers: auth })).status).toBe(401);
    expect((await fetch(`${baseUrl}/api/organizer/labels`, { headers: auth })).status).toBe(404);
    expect(
      (await fetch(`${baseUrl}/api/leaderboard`, { headers: { authorization: "Bearer tp_revoked-or-made-up-token-000000" } })).status,
    ).toBe(401);
    expect((await fetch(`${baseUrl}/api/leaderboard`)).status).toBe(200);
  });

  it("downloads carry Content-Length on 200, 206 and HEAD (what curl -sI shows)", async () => {
    const user = await createTestUser({ db: database.db });
    const { token } = await createApiToken({ db: database.db, userId: user.id, input: { name: "curl", scopes: ["read"] } });
    const auth = { authorization: `Bearer ${token}` };
    const file = [...fixture.manifest.downloads].sort((a, b) => b.sizeBytes - a.sizeBytes)[0];
    const url = `${baseUrl}/api/downloads/${file.name}`;
    const head = await fetch(url, { method: "HEAD", headers: auth });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(file.sizeBytes));
    expect(head.headers.get("accept-ranges")).toBe("bytes");
    expect(head.headers.get("x-tiny-portraits-content-length")).toBeNull();
    const whole = await fetch(url, { headers: auth });
    expect(whole.headers.get("content-length")).toBe(String(file.sizeBytes));
    expect(whole.headers.get("transfer-encoding")).toBeNull();
    expect((await whole.arrayBuffer()).byteLength).toBe(file.sizeBytes);
    const part = await fetch(url, { headers: { ...auth, range: "bytes=10-109" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-length")).toBe("100");
    expect(part.headers.get("content-range")).toBe(`bytes 10-109/${file.sizeBytes}`);
    expect((await part.arrayBuffer()).byteLength).toBe(100);
    const headPart = await fetch(url, { method: "HEAD", headers: { ...auth, range: "bytes=-5" } });
    expect(headPart.status).toBe(206);
    expect(headPart.headers.get("content-length")).toBe("5");
  });

  it("the starter kit zip holds both clients", async () => {
    const kit = await buildStarterKit();
    expect(kit.entries).toEqual(expect.arrayContaining(["cli/tp.mjs", "cli/tp.py"]));
    expect(kit.bytes.includes(Buffer.from(`${STARTER_KIT_FOLDER}/cli/tp.py`))).toBe(true);
  });
});
