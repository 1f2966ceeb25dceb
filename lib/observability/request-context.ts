import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

/**
 * The request id of the web request being handled, carried through async calls so that a job
 * enqueued by the request records it (Job.requestId) and the worker's log lines for that job
 * name it. The storage lives on globalThis: the web server sets it and the Next.js bundle,
 * a separate module instance, reads it.
 */
export const REQUEST_ID_HEADER = "x-request-id";

interface RequestContext {
  requestId: string;
}

const STORAGE = Symbol.for("tiny-portraits.request-context");
type Holder = { [STORAGE]?: AsyncLocalStorage<RequestContext> };
function storage(): AsyncLocalStorage<RequestContext> {
  return ((globalThis as Holder)[STORAGE] ??= new AsyncLocalStorage<RequestContext>());
}

/** Ids from a client or proxy are kept only when short and plain (they end up in logs and rows). */
const SANE_ID = /^[A-Za-z0-9._:-]{8,64}$/;

/** The incoming X-Request-Id when sane, else a fresh UUID. */
export function requestIdFrom(incoming: string | string[] | null | undefined): string {
  const value = Array.isArray(incoming) ? incoming[0] : incoming;
  return value && SANE_ID.test(value) ? value : randomUUID();
}

export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return storage().run({ requestId }, fn);
}

/** The current request's id, or undefined outside a request (CLIs, the worker). */
export function currentRequestId(): string | undefined {
  return storage().getStore()?.requestId;
}
