import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "./logger";
import { metrics } from "./metrics";
import { routeLabel } from "./route-label";

/**
 * Times a web request from now until its response is finished or its connection closes, into
 * tp_http_request_duration_seconds; server errors (5xx) are also logged, with the request id.
 */
export function recordHttpRequest(request: IncomingMessage, response: ServerResponse, log?: Logger): void {
  const started = performance.now();
  response.once("close", () => {
    const seconds = (performance.now() - started) / 1000;
    const status = response.statusCode;
    const route = routeLabel(request.url, status);
    metrics().httpDuration.observe({ method: request.method ?? "GET", route, status: `${Math.floor(status / 100)}xx` }, seconds);
    if (status >= 500) log?.error({ method: request.method, route, status, ms: Math.round(seconds * 1000) }, "request failed");
    else log?.debug({ method: request.method, route, status, ms: Math.round(seconds * 1000) }, "request");
  });
}
