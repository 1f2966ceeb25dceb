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
import { restoreDeclaredContentLength } from "../lib/http/declared-content-length";

const root = path.resolve(__dirname, "..");
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? "0.0.0.0";

async function main() {
  const app = next({ dev: false, dir: root, hostname, port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = http.createServer((request, response) => {
    stampSocketAddress(request);
    // Downloads declare their length; Next.js would send them chunked without it.
    restoreDeclaredContentLength(response);
    handle(request, response).catch((error: unknown) => {
      console.error("[web] request failed", error);
      if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain" });
      response.end("Internal Server Error");
    });
  });
  server.listen(port, hostname, () => process.stderr.write(`[web] listening on ${hostname}:${port}\n`));
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
  console.error("[web] could not start", error);
  process.exit(1);
});
