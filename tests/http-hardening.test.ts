/*
 * Issue 9, breaks 5 and 6, against the real production server (`next build` + `next start`,
 * with proxy.ts and next.config.ts as they ship):
 * - security headers on pages, API routes and static files: a nonce CSP whose nonce is on the
 *   page's scripts and new on every request, frame-ancestors 'none' and X-Frame-Options DENY,
 *   nosniff, Referrer-Policy, Permissions-Policy; Secure cookies when PUBLIC_URL is https;
 * - no 5xx from input: malformed percent-escapes, wrong methods, bodies and content types on
 *   every route of app/api and every server action, as a visitor, a participant and an
 *   organizer; and no stack trace or internal path in any answer.
 *
 * The build goes to its own folder (NEXT_DIST_DIR=.next-test), rebuilt only when the sources
 * changed, so it never disturbs the build `npm start` serves.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession } from "../lib/auth/create-session";
import { encodeSessionCookie } from "../lib/auth/read-session-cookie";
import { ensureNextBuild } from "../lib/setup/ensure-next-build";
import { createTestDatabase, type TestDatabase } from "../test-support/create-test-database";
import { freePort } from "../test-support/free-port";
import { createTestUser, predictionsCsv, registerFixtureDataset } from "../test-support/scoring/scoring-fixture";
import { setUpScoringFixture } from "../test-support/scoring/set-up-scoring-fixture";

const ROOT = path.resolve(__dirname, "..");
const DIST_DIR = ".next-test";
const SECRET = "http-hardening-test-secret-0123456789";
// https: the session and CSRF cookies must then be Secure (and __Secure-/__Host- prefixed).
const PUBLIC_URL = "https://tiny-portraits.example";

const fixture = setUpScoringFixture({ count: 120 });
let database: TestDatabase;
let server: ChildProcess | undefined;
let base: string;
const cookies = { participant: "", organizer: "" };
let submissionId: string;
let phaseId: string;
let serverLog = "";

beforeAll(async () => {
  database = await createTestDatabase({ engine: "sqlite" });
  const db = database.db;
  await registerFixtureDataset({ db, fixture });
  const phase = await db.phase.create({
    data: { name: "Main", startsAt: new Date(Date.now() - 3_600_000), endsAt: new Date(Date.now() + 86_400_000), dailyLimit: 50 },
  });
  phaseId = phase.id;
  const participant = await createTestUser({ db });
  const organizer = await createTestUser({ db, role: "organizer" });
  for (const [who, user] of [
    ["participant", participant],
    ["organizer", organizer],
  ] as const) {
    await db.user.update({ where: { id: user.id }, data: { emailVerifiedAt: new Date() } });
    const token = await createSession({ db, userId: user.id });
    cookies[who] = `__Secure-next-auth.session-token=${await encodeSessionCookie({ sessionToken: token, secret: SECRET })}`;
  }

  process.env.NEXT_DIST_DIR = DIST_DIR;
  ensureNextBuild({ root: ROOT, log: () => {} });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const nextBin = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");
  server = spawn(process.execPath, [nextBin, "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      NEXT_DIST_DIR: DIST_DIR,
      DATA_DIR: fixture.dataDir,
      DATABASE_URL: database.url,
      AUTH_SECRET: SECRET,
      PUBLIC_URL,
      BLOB_STORE: "disk",
    },
  });
  server.stdout!.on("data", (d) => (serverLog += d));
  server.stderr!.on("data", (d) => (serverLog += d));
  const exited = new Promise<never>((_, reject) =>
    server!.once("exit", (code) => reject(new Error(`next start exited with ${code}:\n${serverLog}`))),
  );
  const up = (async () => {
    for (;;) {
      try {
        if ((await fetch(`${base}/api/health`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  await Promise.race([up, exited]);

  // One real submission, so the per-id routes have something to find.
  const res = await fetch(`${base}/api/submissions?fileName=p.csv`, {
    method: "POST",
    body: predictionsCsv({ fixture }),
    headers: { cookie: cookies.participant },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  submissionId = (await res.json()).submission.id;
}, 20 * 60_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const done = new Promise((r) => server!.once("exit", r));
    server.kill("SIGTERM");
    await done;
  }
  await database?.drop();
});

/** Text that must never reach a client: a stack frame, a source path, an internal module. */
const INTERNALS = /\n\s+at .+\(|\bat [\w.<>]+ \(\/|\/work\/|node_modules|\.tsx?:\d+|webpack-internal|PrismaClient|SQLITE_|prisma\./;

function check(label: string, res: Response, body: string) {
  expect(res.status, `${label} -> ${res.status}: ${body.slice(0, 300)}\n--- server log:\n${serverLog.slice(-1500)}`).toBeLessThan(500);
  expect(body, `${label} leaks internals`).not.toMatch(INTERNALS);
}

describe("security headers", () => {
  const FIXED = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
  };

  it("pages: a nonce CSP, new per request, whose nonce is on every script of the page", async () => {
    const pages = {
      visitor: ["/", "/leaderboard", "/sign-in", "/sign-up", "/starter-kit"],
      participant: ["/terms", "/submit", "/submissions", `/submissions/${submissionId}`],
    };
    for (const [page, cookie] of [...pages.visitor.map((p) => [p, ""]), ...pages.participant.map((p) => [p, cookies.participant])]) {
      const a = await fetch(`${base}${page}`, { headers: { cookie }, redirect: "manual" });
      const b = await fetch(`${base}${page}`, { headers: { cookie }, redirect: "manual" });
      expect(a.status, page).toBe(200);
      const csp = a.headers.get("content-security-policy") ?? "";
      const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
      expect(nonce, `${page}: ${csp}`).toBeTruthy();
      expect(b.headers.get("content-security-policy")).not.toContain(nonce!);
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(csp).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'(;|$)/);
      expect(csp).toMatch(/object-src 'none'/);
      expect(csp).toMatch(/upgrade-insecure-requests/);
      for (const [k, v] of Object.entries(FIXED)) expect(a.headers.get(k), `${page} ${k}`).toBe(v);
      expect(a.headers.get("permissions-policy")).toMatch(/camera=\(\).*microphone=\(\).*geolocation=\(\)/);
      const html = await a.text();
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect(scripts.length, page).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag, `${page}: ${tag}`).toContain(`nonce="${nonce}"`);
    }
  });

  it("API routes and static files carry the fixed headers too", async () => {
    const html = await (await fetch(`${base}/leaderboard`)).text();
    const chunk = /src="(\/_next\/static\/[^"]+\.js)"/.exec(html)?.[1];
    expect(chunk).toBeTruthy();
    for (const url of ["/api/health", "/api/leaderboard", "/api/leaderboard/csv", "/api/dataset/mosaic", chunk!, "/api/submissions/%ZZ"]) {
      const res = await fetch(`${base}${url}`, { headers: { cookie: cookies.participant } });
      for (const [k, v] of Object.entries(FIXED)) expect(res.headers.get(k), `${url} ${k}`).toBe(v);
    }
  });

  it("cookies are Secure when PUBLIC_URL is https", async () => {
    const res = await fetch(`${base}/api/auth/csrf`);
    const setCookies = res.headers.getSetCookie();
    expect(setCookies.length).toBeGreaterThan(0);
    for (const c of setCookies) {
      expect(c, c).toMatch(/;\s*Secure/i);
      expect(c, c).toMatch(/^__(Host|Secure)-/);
    }
  });
});

describe("the organizer console", () => {
  // A client already showing /organizer that navigates to another console page sends the router
  // state it holds: Next.js then renders only the new page segment, without the layout (and its
  // role check). A participant can forge that request; every console page must refuse it itself.
  it("refuses a participant's forged in-console navigation (RSC request for the page segment alone)", async () => {
    const tree = encodeURIComponent(JSON.stringify(["", { children: ["organizer", { children: ["__PAGE__", {}] }] }]));
    const pages = ["audit", "compliance", "participants", "submissions", "jobs", "verification", "announcements", "entry-rules", "teams"];
    for (const page of pages) {
      const asOrganizer = await fetch(`${base}/organizer/${page}`, {
        headers: { cookie: cookies.organizer, rsc: "1", "next-router-state-tree": tree },
      });
      const organizerBody = await asOrganizer.text();
      expect(asOrganizer.status, `${page}: ${organizerBody.slice(0, 300)}\n--- server log:\n${serverLog.slice(-1500)}`).toBe(200);
      const res = await fetch(`${base}/organizer/${page}`, {
        headers: { cookie: cookies.participant, rsc: "1", "next-router-state-tree": tree },
      });
      const body = await res.text();
      check(`/organizer/${page} (RSC)`, res, body);
      // The layout is skipped in both answers ("organizer" segment sent as already present). The
      // organizer's carries the page (its h1); the participant's only the page's 404.
      expect(organizerBody, `${page}: the organizer's answer has no page`).toMatch(/\["\$","h1"/);
      expect(body, `/organizer/${page} rendered for a participant`).not.toMatch(/\["\$","h1"/);
      expect(body).toContain("NEXT_HTTP_ERROR_FALLBACK;404");
    }
  });
});

describe("no 5xx from input", () => {
  it("malformed percent-escapes answer 400 on every dynamic route and page", async () => {
    for (const url of [
      "/api/submissions/%ZZ",
      "/api/submissions/%ZZ/file",
      "/api/downloads/%ZZ",
      "/api/explore/portraits/%ZZ",
      "/api/organizer/phases/%ZZ",
      "/api/organizer/submissions/%ZZ/rescore",
      "/submissions/%ZZ",
      "/%E0%A4%A",
      "/leaderboard/%",
    ]) {
      for (const cookie of ["", cookies.participant]) {
        const res = await fetch(`${base}${url}`, { headers: { cookie } });
        const body = await res.text();
        check(url, res, body);
        expect(res.status, url).toBe(400);
      }
    }
  });

  it("wrong methods, bodies, content types and parameters on every route answer 4xx without internals", async () => {
    const s = submissionId;
    const json = { "content-type": "application/json" };
    const cases: { url: string; method?: string; body?: BodyInit; headers?: Record<string, string> }[] = [
      // Every route of app/api, with a method it does not have.
      ...[
        "/api/health",
        "/api/leaderboard",
        "/api/leaderboard/csv",
        "/api/dataset/mosaic",
        "/api/starter-kit",
        "/api/downloads/x.zip",
        "/api/explore/portraits/1",
        "/api/organizer/downloads",
        "/api/organizer/labels",
        "/api/organizer/stats",
        "/api/organizer/submissions",
        `/api/submissions/${s}`,
        `/api/submissions/${s}/file`,
      ].map((url) => ({ url, method: "DELETE" })),
      { url: "/api/submissions/final", method: "POST" },
      { url: `/api/organizer/phases/${phaseId}`, method: "GET" },
      { url: `/api/organizer/submissions/${s}/rescore`, method: "GET" },
      // Query junk.
      { url: "/api/leaderboard?sort=__proto__&dir=sideways&board=private&sort=main" },
      { url: "/api/leaderboard/csv?board[]=x&sort=%00" },
      { url: "/api/explore/portraits/-1" },
      { url: "/api/explore/portraits/99999999999999999999" },
      { url: "/api/explore/portraits/1.5e3" },
      { url: "/api/downloads/..%2F..%2Fhidden%2Ftest-labels.csv" },
      { url: "/api/downloads/train.zip", headers: { range: "bytes=abc-def" } },
      { url: "/api/downloads/train.zip", headers: { range: "bytes=999999999999-" } },
      { url: "/api/organizer/submissions?status=%00&limit=-5" },
      { url: "/api/organizer/downloads?limit=abc&cursor=%ff" },
      // Uploads: wrong content types, empty and binary bodies, bad parameters and manifests.
      { url: "/api/submissions?fileName=p.csv", method: "POST", body: "" },
      { url: "/api/submissions?fileName=p.csv", method: "POST", body: new Uint8Array([0xff, 0xfe, 0x00, 0x01, 0x80]) },
      { url: "/api/submissions?fileName=p.csv", method: "POST", body: "{}", headers: json },
      {
        url: "/api/submissions?fileName=p.csv",
        method: "POST",
        body: "a=1&b=2",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      },
      {
        url: "/api/submissions?fileName=p.csv",
        method: "POST",
        body: "--x\r\n\r\n",
        headers: { "content-type": "multipart/form-data; boundary=x" },
      },
      {
        url: "/api/submissions?fileName=m.onnx&kind=model",
        method: "POST",
        body: "not onnx",
        headers: { "x-submission-manifest": "%%%not-base64" },
      },
      {
        url: "/api/submissions?fileName=m.onnx&kind=model",
        method: "POST",
        body: "not onnx",
        headers: { "x-submission-manifest": Buffer.from("{not json").toString("base64") },
      },
      { url: "/api/submissions?fileName=m.zip&kind=model", method: "POST", body: "PK\u0003\u0004garbage" },
      { url: "/api/submissions?fileName=&kind=sideways", method: "POST", body: "x" },
      { url: `/api/submissions?fileName=${"a".repeat(5000)}.csv`, method: "POST", body: "x" },
      { url: "/api/submissions?fileName=p.csv&description=%00%01", method: "POST", body: "Image_Id,Gender\n" },
      // JSON endpoints: not JSON, the wrong JSON, the wrong type.
      { url: "/api/submissions/final", method: "PUT", body: "{not json", headers: json },
      { url: "/api/submissions/final", method: "PUT", body: "[]", headers: json },
      { url: "/api/submissions/final", method: "PUT", body: '{"submissionIds":"x"}', headers: json },
      { url: "/api/submissions/final", method: "PUT", body: '{"submissionIds":[1,null,{}]}', headers: json },
      { url: "/api/submissions/final", method: "PUT", body: "submissionIds=x", headers: { "content-type": "text/plain" } },
      { url: "/api/submissions/final", method: "PUT", body: `{"submissionIds":[${'"x",'.repeat(1000)}"y"]}`, headers: json },
      { url: `/api/organizer/phases/${phaseId}`, method: "PATCH", body: "{not json", headers: json },
      {
        url: `/api/organizer/phases/${phaseId}`,
        method: "PATCH",
        body: '{"startsAt":"yesterday","ladderStep":"x","scoreVisibility":1}',
        headers: json,
      },
      { url: `/api/organizer/phases/${phaseId}`, method: "PATCH", body: "null", headers: json },
      { url: `/api/organizer/phases/${phaseId}`, method: "PATCH", body: "x", headers: { "content-type": "text/plain" } },
      { url: "/api/organizer/phases/missing", method: "PATCH", body: "{}", headers: json },
      { url: `/api/organizer/submissions/${s}/disqualify`, method: "POST", body: "{not json", headers: json },
      { url: `/api/organizer/submissions/${s}/disqualify`, method: "POST", body: '{"reason":42}', headers: json },
      { url: "/api/organizer/submissions/missing/reinstate", method: "POST" },
      { url: "/api/organizer/submissions/missing/rescore", method: "POST", body: "x", headers: { "content-type": "image/png" } },
      // next-auth's own routes.
      { url: "/api/auth/nonsense" },
      { url: "/api/auth/callback/credentials", method: "POST", body: "{not a form", headers: json },
      {
        url: "/api/auth/callback/nonexistent",
        method: "POST",
        body: "a=b",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      },
      { url: "/api/auth/signin/github?callbackUrl=javascript:alert(1)" },
      { url: "/api/auth/session", method: "POST", body: "\u0000", headers: json },
    ];
    let sent = 0;
    for (const c of cases) {
      for (const cookie of ["", cookies.participant, cookies.organizer]) {
        const res = await fetch(`${base}${c.url}`, {
          method: c.method ?? "GET",
          body: c.body,
          headers: { ...c.headers, cookie },
          redirect: "manual",
        });
        check(`${c.method ?? "GET"} ${c.url} [${cookie ? cookie.slice(0, 5) : "visitor"}]`, res, await res.text());
        sent++;
      }
    }
    expect(sent).toBeGreaterThanOrEqual(150);
  });

  it("every route file under app/api, found on disk, with each of its methods and one it lacks, takes junk bodies without a 5xx", async () => {
    const routes: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(dir, e.name));
        else if (e.name === "route.ts") routes.push(path.join(dir, e.name));
      }
    };
    walk(path.join(ROOT, "app", "api"));
    expect(routes.length).toBeGreaterThanOrEqual(20);
    const sample: Record<string, string> = { id: submissionId, name: "train.zip", index: "1", "...nextauth": "session" };
    let sent = 0;
    for (const file of routes) {
      const url =
        "/" +
        path
          .relative(path.join(ROOT, "app"), path.dirname(file))
          .split(path.sep)
          .map((seg) => (seg.startsWith("[") ? (sample[seg.slice(1, -1)] ?? "x") : seg))
          .join("/");
      const source = fs.readFileSync(file, "utf8");
      const methods = [
        ...new Set([...source.matchAll(/export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE|HEAD)\b/g)].map((m) => m[1])),
      ];
      if (/export \{[^}]*\bas GET\b/.test(source)) methods.push("GET", "POST");
      for (const method of [...methods, methods.includes("DELETE") ? "OPTIONS" : "DELETE"]) {
        const withBody = method !== "GET" && method !== "HEAD";
        for (const body of withBody ? ["{not json", "\u0000\uffff", "[]"] : [undefined]) {
          for (const cookie of ["", cookies.participant, cookies.organizer]) {
            const res = await fetch(`${base}${url}?x=%ZZ&y[]=1`, {
              method,
              body,
              headers: { "content-type": "application/json", cookie },
              redirect: "manual",
            });
            // A live status stream (server-sent events) stays open until its submission is scored:
            // its status and headers are the answer; the body is not waited for.
            const streaming = res.headers.get("content-type")?.startsWith("text/event-stream");
            if (streaming) await res.body?.cancel();
            check(`${method} ${url}`, res, streaming ? "" : await res.text());
            sent++;
          }
        }
      }
    }
    expect(sent).toBeGreaterThanOrEqual(100);
  });

  it("server actions: wrong bodies and content types, and bogus action ids, answer without a 5xx", async () => {
    // The build's manifest names every server action; each is posted to as the pages do.
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, DIST_DIR, "server", "server-reference-manifest.json"), "utf8")) as {
      node: Record<string, { workers: Record<string, unknown>; exportedName?: string }>;
    };
    const actions = Object.entries(manifest.node).map(([id, a]) => ({
      id,
      page:
        "/" +
        Object.keys(a.workers)[0]
          .replace(/^app\//, "")
          .replace(/\/?page$/, ""),
      name: a.exportedName ?? id,
    }));
    const names = actions.map((a) => a.name);
    for (const expected of [
      "acceptTermsAction",
      "signUpAction",
      "requestPasswordResetAction",
      "resetPasswordAction",
      "verifyEmailAction",
      "resendVerificationAction",
    ]) {
      expect(names).toContain(expected);
    }
    const bodies: { body: BodyInit; type?: string }[] = [
      { body: "this is not json", type: "text/plain;charset=UTF-8" },
      { body: "{not json", type: "text/plain;charset=UTF-8" },
      { body: '["$K1"]', type: "text/plain;charset=UTF-8" },
      { body: "[1,2,3]", type: "text/plain;charset=UTF-8" },
      { body: '{"name":null}', type: "application/json" },
      { body: "a=1&b=2", type: "application/x-www-form-urlencoded" },
      { body: "--b\r\ngarbage", type: "multipart/form-data; boundary=b" },
      { body: '--b\r\nContent-Disposition: form-data; name="1_agree"\r\n\r\non\r\n--b--\r\n', type: "multipart/form-data; boundary=b" },
      { body: new Uint8Array([0xff, 0x00, 0xfe]), type: "application/octet-stream" },
      { body: "" },
    ];
    let sent = 0;
    for (const action of actions) {
      for (const { body, type } of bodies) {
        for (const cookie of ["", cookies.participant]) {
          const res = await fetch(`${base}${action.page}`, {
            method: "POST",
            body,
            headers: { "next-action": action.id, ...(type ? { "content-type": type } : {}), accept: "text/x-component", cookie },
            redirect: "manual",
          });
          check(`action ${action.name} (${type ?? "no type"})`, res, await res.text());
          sent++;
        }
      }
    }
    // An action id that does not exist, on pages with and without actions.
    for (const page of ["/terms", "/sign-up", "/"]) {
      const res = await fetch(`${base}${page}`, {
        method: "POST",
        body: "[]",
        headers: { "next-action": "0".repeat(42), "content-type": "text/plain" },
        redirect: "manual",
      });
      check(`bogus action on ${page}`, res, await res.text());
      sent++;
    }
    expect(sent).toBeGreaterThanOrEqual(50);
    expect(serverLog).not.toMatch(/⨯|Unhandled|TypeError/);
  });
});
