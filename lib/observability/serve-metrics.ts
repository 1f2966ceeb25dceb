import type { ChildProcess } from "node:child_process";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue } from "prom-client";
import { readClientAddress, stampSocketAddress } from "../http/client-address";
import { authorizeMetricsRequest } from "./authorize-metrics-request";
import { metrics } from "./metrics";

export type MetricsSnapshot = MetricObjectWithValues<MetricValue<string>>[];

export function isMetricsPath(url: string | undefined): boolean {
  return url === "/metrics" || (url?.startsWith("/metrics?") ?? false);
}

/**
 * Answers a /metrics request: refused unless authorizeMetricsRequest allows it; otherwise this
 * process's metrics in the Prometheus text format, plus the platform metrics (tp_*) of `others`
 * (the embedded worker's process under `npm start`), summed into one view.
 */
export async function serveMetrics(
  request: IncomingMessage,
  response: ServerResponse,
  options: { token: string | undefined; others?: () => Promise<MetricsSnapshot[]> },
): Promise<void> {
  // The socket's peer, as lib/http/client-address decides it (proxy headers never count here).
  stampSocketAddress(request);
  const socketAddress = readClientAddress(request.headers, { trustProxyHops: 0 }).socket ?? undefined;
  const access = authorizeMetricsRequest({ socketAddress, headers: request.headers, token: options.token });
  if (!access.ok) {
    response.writeHead(access.status, { "content-type": "text/plain", ...(access.status === 401 ? { "www-authenticate": "Bearer" } : {}) });
    response.end(`${access.reason}\n`);
    return;
  }
  if (request.method !== "GET" && request.method !== "HEAD") {
    response.writeHead(405, { allow: "GET, HEAD" }).end();
    return;
  }
  const { registry } = metrics();
  let body: string;
  try {
    const others = (await options.others?.()) ?? [];
    if (others.length === 0) body = await registry.metrics();
    else {
      const own = await registry.getMetricsAsJSON();
      const platformOnly = others.map((snapshot) => snapshot.filter((m) => m.name.startsWith("tp_")));
      body = await AggregatorRegistry.aggregate([own, ...platformOnly]).metrics();
    }
  } catch (error) {
    response.writeHead(500, { "content-type": "text/plain" });
    response.end(`metrics could not be collected: ${error instanceof Error ? error.message : String(error)}\n`);
    return;
  }
  response.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" });
  response.end(request.method === "HEAD" ? undefined : body);
}

/**
 * A server with /metrics only, for `npm run scorer` processes (SCORER_METRICS_PORT). Bound to
 * loopback unless a token protects it.
 */
export async function startMetricsServer(options: {
  port: number;
  token: string | undefined;
}): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    if (!isMetricsPath(request.url)) {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    void serveMetrics(request, response, { token: options.token });
  });
  const host = options.token ? "0.0.0.0" : "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// --- between `npm start`'s process (embedded worker) and its web server child, over IPC ------

const REQUEST = "tp-metrics-request";
const RESPONSE = "tp-metrics-response";
type Message = { type?: string; id?: number; snapshot?: MetricsSnapshot };

/** In the parent: answers the child's requests for this process's metrics. */
export function answerMetricsRequests(child: ChildProcess): void {
  child.on("message", (raw) => {
    const message = raw as Message;
    if (message?.type !== REQUEST) return;
    void metrics()
      .registry.getMetricsAsJSON()
      .then((snapshot) => {
        if (child.connected) child.send({ type: RESPONSE, id: message.id, snapshot: JSON.parse(JSON.stringify(snapshot)) as object });
      })
      .catch(() => {});
  });
}

let nextId = 0;
/** In the child: the parent's metrics, or none when there is no IPC parent or it does not answer in time. */
export async function parentMetrics(timeoutMs = 2000): Promise<MetricsSnapshot[]> {
  const send = process.send?.bind(process);
  if (!send || !process.connected) return [];
  const id = ++nextId;
  return new Promise((resolve) => {
    const done = (result: MetricsSnapshot[]) => {
      clearTimeout(timer);
      process.off("message", onMessage);
      resolve(result);
    };
    const onMessage = (raw: unknown) => {
      const message = raw as Message;
      if (message?.type === RESPONSE && message.id === id && Array.isArray(message.snapshot)) done([message.snapshot]);
    };
    const timer = setTimeout(() => done([]), timeoutMs);
    process.on("message", onMessage);
    send({ type: REQUEST, id });
  });
}
