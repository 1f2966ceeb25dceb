import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachEngine } from "../../test-support/test-db";
import { enqueueJob } from "../queue/enqueue-job";
import { SOCKET_ADDRESS_HEADER } from "../http/client-address";
import { authorizeMetricsRequest } from "./authorize-metrics-request";
import { countJobsByState } from "./count-jobs-by-state";
import { setQueueDepthSource } from "./metrics";
import { requestIdFrom } from "./request-context";
import { routeLabel } from "./route-label";
import { serveMetrics, startMetricsServer } from "./serve-metrics";

const TOKEN = "a-metrics-token-of-32-characters";

describe("who may read /metrics", () => {
  const allow = (o: Partial<Parameters<typeof authorizeMetricsRequest>[0]>) =>
    authorizeMetricsRequest({ socketAddress: "127.0.0.1", headers: {}, token: undefined, ...o });

  it("without a token: loopback clients that no proxy relayed", () => {
    expect(allow({}).ok).toBe(true);
    expect(allow({ socketAddress: "::1" }).ok).toBe(true);
    expect(allow({ socketAddress: "::ffff:127.0.0.1" }).ok).toBe(true);
    expect(allow({ socketAddress: "203.0.113.7" })).toMatchObject({ ok: false, status: 403 });
    expect(allow({ socketAddress: undefined })).toMatchObject({ ok: false, status: 403 });
    // A reverse proxy on this machine connects from loopback: its forwarded requests are refused.
    expect(allow({ headers: { "x-forwarded-for": "203.0.113.7" } })).toMatchObject({ ok: false, status: 403 });
    expect(allow({ headers: { forwarded: "for=203.0.113.7" } })).toMatchObject({ ok: false, status: 403 });
    expect(allow({ headers: { "x-real-ip": "203.0.113.7" } })).toMatchObject({ ok: false, status: 403 });
  });

  it("with a token: that Bearer token only, from anywhere", () => {
    expect(allow({ token: TOKEN, socketAddress: "203.0.113.7", headers: { authorization: `Bearer ${TOKEN}` } }).ok).toBe(true);
    expect(allow({ token: TOKEN })).toMatchObject({ ok: false, status: 401 }); // loopback is not enough
    expect(allow({ token: TOKEN, headers: { authorization: `Bearer ${TOKEN}x` } })).toMatchObject({ ok: false, status: 401 });
    expect(allow({ token: TOKEN, headers: { authorization: `Basic ${TOKEN}` } })).toMatchObject({ ok: false, status: 401 });
    expect(allow({ token: TOKEN, headers: { authorization: "Bearer " } })).toMatchObject({ ok: false, status: 401 });
  });
});

describe("labels and ids", () => {
  it("route labels replace ids and collapse unknown paths", () => {
    expect(routeLabel("/api/submissions/cmx68az9z000msj7dh6ul05p5?x=1", 200)).toBe("/api/submissions/:id");
    expect(routeLabel("/submissions/123", 200)).toBe("/submissions/:id");
    expect(routeLabel("/leaderboard", 200)).toBe("/leaderboard");
    expect(routeLabel("/_next/static/chunks/abc.js", 200)).toBe("/_next/*");
    expect(routeLabel("/random-probe-" + "x".repeat(50), 404)).toBe("(not found)");
    expect(routeLabel("/", 200)).toBe("/");
  });

  it("keeps a sane incoming X-Request-Id and replaces anything else", () => {
    expect(requestIdFrom("req-abcdef123456")).toBe("req-abcdef123456");
    for (const bad of [undefined, "", "short", "x".repeat(65), "a b c d e f g h", "id\nFAKE log line", "<script>alert(1)</script>"]) {
      const id = requestIdFrom(bad);
      expect(id).not.toBe(bad);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

/** GET /metrics from `server` with optional headers, from `localAddress` when given. */
function get(port: number, headers: Record<string, string> = {}, host = "127.0.0.1"): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host, port, path: "/metrics", headers }, (res) => {
        let body = "";
        res
          .setEncoding("utf8")
          .on("data", (c: string) => (body += c))
          .on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on("error", reject);
  });
}

describeEachEngine("/metrics", (t) => {
  beforeAll(() => setQueueDepthSource(() => countJobsByState({ db: t.db })));
  afterAll(() => setQueueDepthSource(undefined));

  it("shows the queue depth by state read from the database at scrape time", async () => {
    const server = await startMetricsServer({ port: 0, token: undefined });
    try {
      const before = await get(server.port);
      expect(before.status).toBe(200);
      expect(before.body).toContain('tp_queue_jobs{state="queued"} 0');
      await enqueueJob({ db: t.db, type: "test-sleep", payload: { ms: 1 } });
      await enqueueJob({ db: t.db, type: "test-sleep", payload: { ms: 1 } });
      const after = await get(server.port);
      expect(after.body).toContain('tp_queue_jobs{state="queued"} 2');
      expect(after.body).toContain("# TYPE tp_http_request_duration_seconds histogram");
      // Forwarded by a local proxy: refused, even from loopback.
      expect((await get(server.port, { "x-forwarded-for": "198.51.100.1" })).status).toBe(403);
    } finally {
      await server.close();
    }
  });

  it("requires the Bearer token when one is set", async () => {
    const server = await startMetricsServer({ port: 0, token: TOKEN });
    try {
      expect((await get(server.port)).status).toBe(401);
      expect((await get(server.port, { authorization: "Bearer wrong-token-wrong-token" })).status).toBe(401);
      const ok = await get(server.port, { authorization: `Bearer ${TOKEN}` });
      expect(ok.status).toBe(200);
      expect(ok.body).toContain("tp_queue_jobs");
    } finally {
      await server.close();
    }
  });
});

// A client on another machine, forging the web server's socket stamp and proxy headers to look
// local. Needs a non-loopback address of this machine to connect from.
const external = Object.values(os.networkInterfaces())
  .flat()
  .find((i) => i && i.family === "IPv4" && !i.internal)?.address;

describe.skipIf(!external)("/metrics from another address", () => {
  it("refuses a non-loopback client whatever headers it sends", async () => {
    const server = http.createServer((req, res) => void serveMetrics(req, res, { token: undefined }));
    await new Promise<void>((resolve) => server.listen(0, "0.0.0.0", resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      expect((await get(port, {}, "127.0.0.1")).status).toBe(200);
      const forged = await get(port, { [SOCKET_ADDRESS_HEADER]: "anything 127.0.0.1", "x-forwarded-for": "127.0.0.1" }, external);
      expect(forged.status).toBe(403);
      expect((await get(port, {}, external)).status).toBe(403);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
