import path from "node:path";
import { z } from "zod";

/** A comma-separated list of e-mail domains, lower-cased, a leading "@" dropped; empty: none. */
const domainList = z
  .string()
  .default("")
  .transform((v) =>
    v
      .split(",")
      .map((d) => d.trim().toLowerCase().replace(/^@/, ""))
      .filter(Boolean),
  );

/**
 * Environment variables, parsed once per process. Every entry point (web server,
 * scorer, CLIs) reads configuration through here so a bad value fails at start-up
 * with a clear message instead of deep inside a request.
 */
const schema = z.object({
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: z
    .string()
    .optional()
    .refine((v) => !v || /^(file:|postgres(ql)?:\/\/)/.test(v), {
      message: "must start with file: (SQLite) or postgres:// / postgresql:// (PostgreSQL)",
    }),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Interface the web server binds to. */
  HOST: z.string().min(1).default("0.0.0.0"),
  /** Size of the synthetic dataset `npm start` prepares when none is prepared. */
  SYNTHETIC_COUNT: z.coerce.number().int().min(100).max(1_000_000).default(20_000),
  SPLIT_SEED: z.string().min(1).optional(),
  /**
   * Submissions per participant per UTC day that count against the quota, when no phase with
   * its own dailyLimit is running. Organizers are exempt.
   */
  DAILY_SUBMISSION_LIMIT: z.coerce.number().int().min(0).default(5),
  /** Largest predictions CSV accepted (a full test split is ~1.3 MB). */
  MAX_CSV_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(20 * 1024 * 1024),
  /** Largest model upload accepted (matches the model bundle's total-size limit). */
  MAX_MODEL_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(300 * 1024 * 1024),
  /**
   * Where uploads are kept: `disk` (${DATA_DIR}/uploads), `database` (the Blob table, for several
   * machines without a shared disk; small files) or `s3` (an S3-compatible bucket: S3_BUCKET...).
   */
  BLOB_STORE: z.enum(["disk", "database", "s3"]).default("disk"),
  /** BLOB_STORE=s3: the bucket (created beforehand). */
  S3_BUCKET: z.string().min(3).optional(),
  /** BLOB_STORE=s3: a self-hosted server's URL (SeaweedFS, Garage, ...); unset means AWS itself. */
  S3_ENDPOINT: z.string().url().optional(),
  /** BLOB_STORE=s3: `1` puts the bucket in the path; default `1` when S3_ENDPOINT is set, else `0`. */
  S3_FORCE_PATH_STYLE: z.enum(["0", "1"]).optional(),
  /** BLOB_STORE=s3: the region (AWS_REGION is read too); self-hosted servers mostly ignore it. */
  S3_REGION: z.string().min(1).optional(),
  /** Jobs one scorer process runs at once (`npm run scorer -- --concurrency N` overrides it). */
  SCORER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  /**
   * `1` (default): besides its SCORER_CONCURRENCY loops, a scorer that also runs long jobs
   * (generator scoring, winner verification: a minute or more each) keeps one loop for attribute
   * submissions only, so a CSV is scored in seconds even while a generator is being sampled.
   */
  SCORER_EXPRESS_LANE: z.enum(["0", "1"]).default("1"),
  /** A claimed job's lease; heartbeats renew it every third of it. A dead worker's job is reclaimed after this. */
  SCORER_LEASE_MS: z.coerce.number().int().min(500).default(30_000),
  /** How often an idle worker looks for work. */
  SCORER_POLL_MS: z.coerce.number().int().min(10).default(250),
  /** `0` stops `npm start` from training and submitting the quick baselines (prior, colour-features) when missing. */
  QUICK_BASELINES_ON_START: z.enum(["0", "1"]).default("1"),
  /** `0` disables the worker `npm start` embeds in its process (run `npm run scorer` instead). */
  EMBEDDED_SCORER: z.enum(["0", "1"]).default("1"),
  /** `0` stops `npm start` from training the cnn baseline in the background when it is missing. */
  CNN_BASELINE_ON_START: z.enum(["0", "1"]).default("1"),
  /**
   * Secret that signs session cookies (next-auth). When unset, `npm start` generates one once and
   * keeps it in DATA_DIR/secrets, so sessions survive restarts without any set-up.
   */
  AUTH_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  /** Comma-separated e-mail addresses that get the organizer role when they sign up or sign in. */
  ORGANIZER_EMAILS: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((e) => e.trim().toLowerCase())
        .filter(Boolean),
    ),
  /** Optional OAuth sign-in: each provider is enabled when both its id and secret are set. */
  GITHUB_CLIENT_ID: z.string().optional(),
  GITHUB_CLIENT_SECRET: z.string().optional(),
  GOOGLE_CLIENT_ID: z.string().optional(),
  GOOGLE_CLIENT_SECRET: z.string().optional(),
  /** Failed sign-ins allowed per e-mail address (and, times 4, per IP address) per 15 minutes. */
  SIGNIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  /** Requests a minute one personal API token may make (lib/auth/resolve-api-token.ts). */
  API_TOKEN_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  /** Public origin of the site (next-auth's NEXTAUTH_URL); defaults to http://localhost:PORT. */
  PUBLIC_URL: z.string().url().optional(),
  /**
   * Outgoing mail (address verification, password resets, notices): an SMTP URL such as
   * smtps://user:pass@smtp.example.org:465. Unset: every message is written to DATA_DIR/outbox
   * as an .eml file and its link printed in the server log.
   */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must start with smtp:// or smtps://")
    .optional(),
  /** The sender of outgoing mail, e.g. "Tiny Portraits <challenge@example.org>". */
  MAIL_FROM: z.string().min(3).default("Tiny Portraits <no-reply@tiny-portraits.local>"),
  /**
   * Reverse proxies in front of the web server that append to X-Forwarded-For. 0: the client is
   * the socket's peer and the header is ignored; n: the n-th entry from the right is the client.
   */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** Comma-separated e-mail domains sign-up accepts (empty: all, except the blocked ones). */
  SIGNUP_ALLOWED_DOMAINS: domainList,
  /** Comma-separated e-mail domains sign-up refuses (e.g. throw-away mail services). */
  SIGNUP_BLOCKED_DOMAINS: domainList,
  /** Sign-ups per client address per hour. */
  SIGNUP_PER_CLIENT_PER_HOUR: z.coerce.number().int().min(1).default(5),
  /** Sign-ups per hour for the whole site (a flood from many addresses). */
  SIGNUP_GLOBAL_PER_HOUR: z.coerce.number().int().min(1).default(200),
  /**
   * The sample mosaic on the challenge page: `synthetic` (portraits drawn by the synthetic
   * generator, never the real images), `after-terms` (real training portraits, only for users
   * who accepted the current terms) or `off`.
   */
  PUBLIC_MOSAIC: z.enum(["synthetic", "after-terms", "off"]).default("synthetic"),
  /**
   * Bearer token that protects /metrics (web server and SCORER_METRICS_PORT). Unset: /metrics
   * answers only clients on this machine that no proxy relayed.
   */
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  /** `npm run scorer` only: serve this process's metrics at http://127.0.0.1:PORT/metrics (0.0.0.0 with METRICS_TOKEN). */
  SCORER_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** Test-only: `1` registers the test job types (test-sleep, test-fail) in workers. */
  TEST_JOB_TYPES: z.enum(["0", "1"]).default("0"),
});

/** publicUrl: PUBLIC_URL without a trailing slash, or http://localhost:PORT; links in e-mails start with it. */
export type Env = z.infer<typeof schema> & { dataDir: string; databaseUrl: string; publicUrl: string };

let cached: Env | undefined;

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  // An empty variable (`DATABASE_URL=` in a shell or .env file) means "not set", not "".
  const defined = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(defined);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  const dataDir = path.resolve(parsed.data.DATA_DIR);
  const databaseUrl = parsed.data.DATABASE_URL ?? `file:${path.join(dataDir, "db.sqlite")}`;
  const publicUrl = (parsed.data.PUBLIC_URL ?? `http://localhost:${parsed.data.PORT}`).replace(/\/+$/, "");
  return { ...parsed.data, dataDir, databaseUrl, publicUrl };
}

export function env(): Env {
  cached ??= loadEnv();
  return cached;
}

/** Test-only: forget the cached environment after changing process.env. */
export function resetEnvCache(): void {
  cached = undefined;
}
