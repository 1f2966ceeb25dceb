/**
 * The one error type operations throw for anything a caller should show to a user, and the one
 * table from its code to an HTTP status.
 *
 * - `user` is a plain sentence for the participant; it is the only text that reaches a browser.
 * - `internal` is for logs (paths, ids, exception text); it never reaches a browser.
 * - `details` carries structured, user-safe specifics (e.g. CSV problems line by line).
 *
 * Route handlers and server actions catch once, call toUserError(), and send
 * `{ error: { code, message, details } }` with httpStatusFor(code). Anything that is not an
 * AppError is a bug or an outage: it becomes a plain 500 without internals. Callers branch on
 * `code`, never on message text.
 */

export const APP_ERROR_CODES = [
  "validation",
  "unauthorized",
  "forbidden",
  "not-found",
  "conflict",
  "too-large",
  "quota-exceeded",
  "unavailable",
  "internal",
] as const;
export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

const HTTP_STATUS: Record<AppErrorCode, number> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  "not-found": 404,
  conflict: 409,
  "too-large": 413,
  "quota-exceeded": 429,
  // e.g. no dataset prepared yet: the request was fine, the platform is not ready.
  unavailable: 503,
  internal: 500,
};

/** One user-facing specific, e.g. `{ line: 12, message: "unknown Hair_Color \"red\"..." }`. */
export interface AppErrorDetail {
  line?: number;
  field?: string;
  message: string;
}

export interface AppErrorOptions {
  /** Shown to the user. Plain language, no exception text, no paths. */
  user: string;
  /** For logs only. */
  internal?: string;
  details?: AppErrorDetail[];
  /** Seconds after which retrying makes sense (quota, unavailable): becomes Retry-After. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly userMessage: string;
  readonly details?: AppErrorDetail[];
  readonly retryAfterSeconds?: number;

  constructor(code: AppErrorCode, options: AppErrorOptions) {
    // Error.message is what ends up in logs and stack traces: the internal text when there is one.
    super(options.internal ?? options.user, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.userMessage = options.user;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** By name and shape as well as instanceof: Next.js may load this module twice (server/edge bundles). */
export function isAppError(error: unknown): error is AppError {
  if (error instanceof AppError) return true;
  if (!(error instanceof Error) || error.name !== "AppError") return false;
  const { code, userMessage } = error as Error & { code?: unknown; userMessage?: unknown };
  return typeof code === "string" && (APP_ERROR_CODES as readonly string[]).includes(code) && typeof userMessage === "string";
}

export function httpStatusFor(code: AppErrorCode): number {
  return HTTP_STATUS[code];
}

/** What a browser or API client may see of an error. */
export interface UserError {
  code: AppErrorCode;
  status: number;
  message: string;
  details?: AppErrorDetail[];
  retryAfterSeconds?: number;
}

export const INTERNAL_ERROR_MESSAGE = "Something went wrong on our side. Please try again in a moment.";

/**
 * The user-safe view of any thrown value. Unknown errors become a plain 500: their text may hold
 * paths, SQL or stack frames, so it is for the log (the caller logs `error`), never the response.
 */
export function toUserError(error: unknown): UserError {
  if (isAppError(error)) {
    return {
      code: error.code,
      status: httpStatusFor(error.code),
      message: error.userMessage,
      ...(error.details ? { details: error.details } : {}),
      ...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
    };
  }
  return { code: "internal", status: 500, message: INTERNAL_ERROR_MESSAGE };
}
