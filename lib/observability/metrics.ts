import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/**
 * Every Prometheus metric of the platform, defined once. Names start with `tp_`.
 *
 * One set per process, kept on globalThis: the web server (scripts/serve-web.ts) and the
 * Next.js bundle that runs the routes are separate module instances in one process, and both
 * must record into the registry that /metrics serves.
 */
function define() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const queueDepth = new Gauge({
    name: "tp_queue_jobs",
    help: "Jobs in the queue by state (queued, running, done, failed), read from the database at scrape time",
    labelNames: ["state"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const source = holder()[QUEUE_SOURCE];
      if (!source) return;
      for (const [state, count] of Object.entries(await source())) this.set({ state }, count);
    },
  });
  return {
    registry,
    queueDepth,
    jobDuration: new Histogram({
      name: "tp_job_duration_seconds",
      help: "Time from claim to recorded outcome per job, by type and outcome (completed, failed, retried)",
      labelNames: ["type", "outcome"] as const,
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers: [registry],
    }),
    jobFailures: new Counter({
      name: "tp_job_failures_total",
      help: "Failed job attempts by type and kind (user: the submission's fault; system: ours, retried) and whether final",
      labelNames: ["type", "kind", "final"] as const,
      registers: [registry],
    }),
    jobsLost: new Counter({
      name: "tp_jobs_lost_total",
      help: "Jobs whose lease this worker lost (reclaimed elsewhere) or released at shutdown",
      labelNames: ["type", "why"] as const,
      registers: [registry],
    }),
    sandboxRuns: new Counter({
      name: "tp_sandbox_runs_total",
      help: "Model runs in the sandbox by outcome (ok, bundle = refused before running, or the sandbox's failure reason)",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    sandboxImagesPerSecond: new Histogram({
      name: "tp_sandbox_images_per_second",
      help: "Inference speed of successful model runs (test images per second, model load excluded)",
      buckets: [25, 50, 100, 200, 400, 800, 1600, 3200],
      registers: [registry],
    }),
    sandboxImages: new Counter({
      name: "tp_sandbox_images_total",
      help: "Test images run through submitted models (rate() of it is the scorers' images/s)",
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: "tp_http_request_duration_seconds",
      help: "Web requests from arrival to the last byte sent, by method, route and status class",
      labelNames: ["method", "route", "status"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    signInFailures: new Counter({
      name: "tp_signin_failures_total",
      help: "Refused e-mail + password sign-ins by reason (bad-credentials, throttled)",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof define>;

const METRICS = Symbol.for("tiny-portraits.metrics");
const QUEUE_SOURCE = Symbol.for("tiny-portraits.metrics.queue-source");
type QueueSource = () => Promise<Record<string, number>>;
type Holder = { [METRICS]?: Metrics; [QUEUE_SOURCE]?: QueueSource };
const holder = () => globalThis as Holder;

/** This process's metrics (created on first use). */
export function metrics(): Metrics {
  return (holder()[METRICS] ??= define());
}

/**
 * Where tp_queue_jobs reads the queue from. Set by the process that serves the queue's figures
 * (the web server); scorer processes leave it unset so that summing over targets does not count
 * one queue several times.
 */
export function setQueueDepthSource(source: QueueSource | undefined): void {
  holder()[QUEUE_SOURCE] = source;
}
