import pg from "pg";
import { pgConnectionFields, pgLogin } from "@/lib/db/engine";
import { JOB_CHANNEL } from "@/lib/queue/enqueue-job";

export interface JobListener {
  close(): Promise<void>;
}

/**
 * Holds one PostgreSQL connection LISTENing on the job channel and calls `onJob` for each
 * NOTIFY that enqueueJob sends, so idle workers claim a new job at once instead of at their next
 * poll. On any connection error it reconnects with a growing pause (1 s up to 30 s), and calls
 * `onJob` once after every (re)connect: jobs enqueued while it was away are picked up. The poll
 * in the worker stays as the fallback, so a lost notification only costs latency.
 */
export function listenForJobs(options: { url: string; onJob: () => void; log: (message: string) => void }): JobListener {
  let closed = false;
  let client: pg.Client | undefined;
  let retryMs = 1000;
  let retryTimer: NodeJS.Timeout | undefined;

  const connect = async () => {
    if (closed) return;
    const c = new pg.Client({ ...pgLogin(pgConnectionFields(options.url)), application_name: "tp-scorer-listen" });
    client = c;
    let failed = false;
    const fail = (error: Error) => {
      if (failed || closed) return;
      failed = true;
      options.log(`job notifications lost (${error.message}); reconnecting in ${retryMs / 1000} s, polling meanwhile`);
      c.removeAllListeners("notification");
      c.end().catch(() => {});
      retryTimer = setTimeout(() => void connect(), retryMs);
      retryTimer.unref();
      retryMs = Math.min(retryMs * 2, 30_000);
    };
    c.on("error", fail);
    c.on("end", () => fail(new Error("connection ended")));
    c.on("notification", (message) => {
      if (message.channel === JOB_CHANNEL) options.onJob();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${JOB_CHANNEL}`);
      retryMs = 1000;
      options.onJob();
    } catch (error) {
      fail(error as Error);
    }
  };
  void connect();

  return {
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      await client?.end().catch(() => {});
    },
  };
}
