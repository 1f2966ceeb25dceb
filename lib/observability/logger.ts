import pino, { type Logger } from "pino";

export type { Logger };

/**
 * The process's structured logger: one JSON object per line on stderr (stdout stays free for
 * command output, such as `npm run scorer -- --events`). Written synchronously so that the last
 * lines before a process.exit are not lost. LOG_LEVEL picks the level (default info).
 * For reading by eye: `npm start 2>&1 | npx pino-pretty` when pino-pretty is installed.
 */
const LOGGER = Symbol.for("tiny-portraits.logger");
type Holder = { [LOGGER]?: Logger };

export function logger(): Logger {
  const holder = globalThis as Holder;
  holder[LOGGER] ??= pino(
    {
      // Tests stay quiet unless asked (LOG_LEVEL=debug npx vitest ...).
      level: process.env.LOG_LEVEL ?? (process.env.VITEST ? "silent" : "info"),
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ fd: 2, sync: true }),
  );
  return holder[LOGGER];
}

/** A sub-logger for one part of the system, e.g. componentLogger("scorer"). */
export function componentLogger(component: string, fields: Record<string, unknown> = {}): Logger {
  return logger().child({ component, ...fields });
}

/** The message of an unknown thrown value, for `err`-less log lines. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
