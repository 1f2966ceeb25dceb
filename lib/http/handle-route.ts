import { toUserError } from "../errors/app-error";

/**
 * The one error mapping of the HTTP API. Route handlers throw AppError (or anything) and get
 * `{ error: { code, message, details } }` with the status of the error's code; unknown errors
 * become a plain 500 and are logged with their internals, which never reach the client.
 */
export function errorResponse(error: unknown, init?: { headers?: HeadersInit }): Response {
  const userError = toUserError(error);
  if (userError.code === "internal") console.error("[api] unexpected error", error);
  const headers = new Headers(init?.headers);
  headers.set("cache-control", "no-store");
  if (userError.retryAfterSeconds !== undefined) headers.set("retry-after", String(userError.retryAfterSeconds));
  const { status, ...body } = userError;
  return Response.json({ error: body }, { status, headers });
}

/** Wraps a route handler so every thrown error goes through errorResponse. */
export function handleRoute<Args extends unknown[]>(handler: (...args: Args) => Promise<Response>): (...args: Args) => Promise<Response> {
  return async (...args: Args) => {
    try {
      return await handler(...args);
    } catch (error) {
      return errorResponse(error);
    }
  };
}
