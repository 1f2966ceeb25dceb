/**
 * The production web server `npm start` runs: Next.js behind a plain Node HTTP server, so each
 * request carries the socket's peer address, which Next.js does not expose to route handlers
 * and server actions (see lib/http/client-address.ts). Started by scripts/start.ts as
 * `node --import tsx scripts/serve-web.ts`, with PORT, HOST and DATA_DIR in its environment.
 */
import http from "node:http";
import path from "node:path";
import next from "next";
import { stampSocketAddress } from "../lib/http/client-address";
import { createAnonymousResponseCache } from "../lib/http/anonymous-response-cache";
import { leaderboardCacheGeneration } from "../lib/http/anonymous-response-cache-generation";
import { restoreDeclaredContentLength } from "../lib/http/declared-content-length";
import { getDb } from "../lib/db/client";
import { env } from "../lib/env";
import { countJobsByState } from "../lib/observability/count-jobs-by-state";
import { componentLogger } from "../lib/observability/logger";
import { setQueueDepthSource } from "../lib/observability/metrics";
import { recordHttpRequest } from "../lib/observability/record-http-request";
import { REQUEST_ID_HEADER, requestIdFrom, runWithRequestId } from "../lib/observability/request-context";
import { isMetricsPath, parentMetrics, serveMetrics } from "../lib/observability/serve-metrics";
import { isValidRouterState } from "@/lib/http/is-valid-router-state";

const root = path.resolve(__dirname, "..");
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? "0.0.0.0";
const log = componentLogger("web");

async function main() {
  const app = next({ dev: false, dir: root, hostname, port });
  await app.prepare();
  const handle = app.getRequestHandler();
  // /metrics: queue depth read at scrape time, plus the embedded worker's metrics from the
  // parent process (npm start) over IPC.
  setQueueDepthSource(() => countJobsByState({ db: getDb() }));
  const metricsToken = env().METRICS_TOKEN;
  // Visitors without a session get the public pages from a ~1 s cache emptied with the
  // leaderboard snapshot: a reveal-day burst costs one render per page (anonymous-response-cache.ts).
  const anonymousCache = createAnonymousResponseCache({
    paths: ["/", "/leaderboard", "/api/leaderboard", "/api/leaderboard/csv"],
    generation: leaderboardCacheGeneration({ db: getDb }),
  });
  const server = http.createServer((request, response) => {
    if (isMetricsPath(request.url)) {
      void serveMetrics(request, response, { token: metricsToken, others: () => parentMetrics() });
      return;
    }
    // One id per request, in the response, in the jobs it enqueues, in the log lines about it.
    const requestId = requestIdFrom(request.headers[REQUEST_ID_HEADER]);
    request.headers[REQUEST_ID_HEADER] = requestId;
    response.setHeader("X-Request-Id", requestId);
    recordHttpRequest(request, response, log.child({ requestId }));
    // Next.js throws (a 500) on a router state header it cannot parse, and hides the header from
    // proxy.ts, so it is checked here.
    const routerState = request.headers["next-router-state-tree"];
    if (routerState !== undefined && (Array.isArray(routerState) || !isValidRouterState(routerState))) {
      response.writeHead(400, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
      response.end("The Next-Router-State-Tree header is not a router state.\n");
      return;
    }
    stampSocketAddress(request);
    // Downloads declare their length; Next.js would send them chunked without it.
    restoreDeclaredContentLength(response);
    runWithRequestId(requestId, () => anonymousCache.handle(request, response, () => handle(request, response))).catch((error: unknown) => {
      log.error({ requestId, err: error }, "request failed");
      if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain" });
      response.end("Internal Server Error");
    });
  });
  server.listen(port, hostname, () => log.info(`listening on ${hostname}:${port}`));
  const stop = () => {
    server.close();
    void app.close().finally(() => process.exit(0));
    // Open keep-alive connections would hold close() back.
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((error: unknown) => {
  log.error({ err: error }, "could not start");
  process.exit(1);
});
