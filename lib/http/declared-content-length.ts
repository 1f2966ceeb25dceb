import type { ServerResponse } from "node:http";

/**
 * Next.js 16 drops Content-Length from every route handler response (send-response.js, its
 * FORBIDDEN_HEADERS: a fetched body may have been decoded), so a streamed download went out
 * chunked and browsers showed no size, progress or time left. A route that knows the exact
 * length of the body it streams sets it under this header as well; our web server
 * (scripts/serve-web.ts) turns it back into Content-Length just before the headers are written.
 */
export const DECLARED_LENGTH_HEADER = "x-tiny-portraits-content-length";

/**
 * For the web server, once per response: when the headers are about to be written, a declared
 * length becomes Content-Length (Node then frames the body by it instead of chunking, and HEAD
 * answers carry it too). The internal header never leaves the server. A response that already
 * has a Content-Length or a Transfer-Encoding keeps it.
 */
export function restoreDeclaredContentLength(response: ServerResponse): void {
  const writeHead = response.writeHead;
  // Node's write() and end() call this.writeHead() when the headers were not sent yet.
  response.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse["writeHead"]>) {
    const declared = this.getHeader(DECLARED_LENGTH_HEADER);
    if (declared !== undefined) {
      this.removeHeader(DECLARED_LENGTH_HEADER);
      const value = String(declared);
      if (/^\d{1,15}$/.test(value) && !this.hasHeader("content-length") && !this.hasHeader("transfer-encoding"))
        this.setHeader("content-length", value);
    }
    return writeHead.apply(this, args);
  } as ServerResponse["writeHead"];
}
