import type { IncomingMessage, ServerResponse } from "node:http";
import { SESSION_COOKIE_NAMES } from "../auth/read-session-cookie";

/**
 * A short-lived in-process cache of whole HTTP responses for visitors without a session, in front
 * of Next.js (scripts/serve-web.ts). On reveal day every participant reloads the leaderboard at
 * once; a server-rendered page costs ~10 ms of CPU, so two cores top out near 100 pages a second.
 * Served from here, a burst costs one render per page variant and second.
 *
 * What is cached, and for whom:
 * - Only the listed public paths, GET and HEAD, and only for a request that carries no session
 *   cookie, no Authorization header, no conditional or Range header and none of Next.js's
 *   client-navigation headers (RSC payloads vary by router state): anything that could make the
 *   body personal or partial renders as before. A stale or forged session cookie also bypasses:
 *   it renders as a visitor, so nothing is lost but the cache.
 * - Only a complete 200 without Set-Cookie, without `Vary: *` and varying on no request header
 *   outside the key (method, path, query, Accept-Encoding). The body is stored as the client got
 *   it (already compressed for that Accept-Encoding) with its headers, except the per-request ones
 *   (X-Request-Id is the server's, Date and framing are Node's).
 * - At most `ttlMs` (1 s) old, and never across a change of `generation()`, asked on the request
 *   path: the server passes the leaderboard snapshot the pages render from
 *   (anonymous-response-cache-generation.ts), so a new score or a reveal empties the cache as
 *   soon as the board knows it. Each web process keeps its own cache; several nodes each
 *   converge within their own snapshot check and TTL.
 * - Concurrent misses for one key render once: the first request renders (and streams to its
 *   client as usual), the others wait for its bytes. If that render is not cacheable (an error,
 *   a cookie, a closed connection), each waiter renders for itself.
 *
 * The Content-Security-Policy nonce (proxy.ts) is rendered into the page and its header together,
 * so a cached answer carries the same nonce in both and stays consistent. Reusing one nonce for
 * up to a second across visitors of the same public page is safe: a nonce tells the scripts the
 * server rendered from markup injected into the response, and the cached bytes are fixed when the
 * nonce is created. An injection would have to be in the stored content already (names on the
 * board; React escapes them, and it was rendered with this nonce either way), and a query string
 * that reflects something is a different key with its own render and its own nonce, unknown
 * until that render. What a shared nonce does weaken is a client-side sink fed by data outside
 * the key (the URL fragment, storage) that writes a parser-inserted script: the pages have no
 * such sink (React never uses document.write), and the window is one second.
 */
export interface AnonymousResponseCacheOptions {
  /** Exact pathnames to cache ("/", "/leaderboard", ...); the query is part of the key. */
  paths: readonly string[];
  /** Resolves to a value whose identity changes whenever a cached body may have changed. */
  generation: () => Promise<unknown>;
  /** Default 1000 ms. */
  ttlMs?: number;
  /** How often `generation()` is asked again at most. Default 0: every request (it is cheap: see anonymous-response-cache-generation.ts). */
  checkEveryMs?: number;
  /** Default 256 entries: keys include the query and Accept-Encoding, which clients choose. */
  maxEntries?: number;
  /** Bodies larger than this are not kept. Default 4 MB. */
  maxBodyBytes?: number;
  /** All bodies together; the oldest go first. Default 64 MB. */
  maxTotalBytes?: number;
  /** Milliseconds, monotonic (tests). Default performance.now. */
  now?: () => number;
}

export type CacheOutcome = "hit" | "miss" | "coalesced" | "bypass";

export interface AnonymousResponseCache {
  /** Answers from the cache, or calls `render` (which writes to `response`) and keeps what it wrote. */
  handle(request: IncomingMessage, response: ServerResponse, render: () => Promise<void>): Promise<CacheOutcome>;
  /** Entries and body bytes currently held (tests, metrics). */
  size(): number;
  bytes(): number;
}

interface Entry {
  generation: unknown;
  storedAt: number;
  status: number;
  headers: [string, string | string[]][];
  body: Buffer;
}

/** Request headers that select a different body; anything else the response varies on is not cached. */
const KEY_HEADERS = ["accept-encoding"] as const;
/** Headers whose presence means the answer may be personal, partial or an RSC payload: render. */
const BYPASS_HEADERS = [
  "authorization",
  "range",
  "if-none-match",
  "if-modified-since",
  "if-match",
  "if-unmodified-since",
  "if-range",
  "rsc",
  "next-action",
  "next-router-state-tree",
  "next-router-prefetch",
  "next-router-segment-prefetch",
  "next-url",
];
/** Per-request or framing headers: the replaying server sets its own. */
const NOT_REPLAYED = new Set(["x-request-id", "date", "connection", "keep-alive", "transfer-encoding", "content-length"]);
/** Vary values that are fine: part of the key, or bypassed when present. */
const VARY_OK = new Set<string>([...KEY_HEADERS, ...BYPASS_HEADERS]);

export function createAnonymousResponseCache(options: AnonymousResponseCacheOptions): AnonymousResponseCache {
  const paths = new Set(options.paths);
  const ttlMs = options.ttlMs ?? 1000;
  const checkEveryMs = options.checkEveryMs ?? 0;
  const maxEntries = options.maxEntries ?? 256;
  const maxBodyBytes = options.maxBodyBytes ?? 4_000_000;
  const maxTotalBytes = options.maxTotalBytes ?? 64_000_000;
  const now = options.now ?? (() => performance.now());
  const entries = new Map<string, Entry>();
  let totalBytes = 0;
  const remove = (key: string) => {
    totalBytes -= entries.get(key)?.body.length ?? 0;
    entries.delete(key);
  };
  const pending = new Map<string, { generation: unknown; result: Promise<Entry | null> }>();
  let generation: unknown;
  let checkedAt = -Infinity;
  let checking: Promise<unknown> | undefined;

  /** The current generation, asked again when the last answer is older than checkEveryMs; one question at a time. */
  async function currentGeneration(): Promise<unknown> {
    if (now() - checkedAt < checkEveryMs) return generation;
    if (!checking) {
      const asked = now();
      checking = Promise.resolve()
        .then(() => options.generation())
        .then((next) => {
          if (next !== generation) {
            entries.clear();
            totalBytes = 0;
            generation = next;
          }
          checkedAt = asked;
          return next;
        })
        .finally(() => {
          checking = undefined;
        });
    }
    return checking;
  }

  function keyOf(request: IncomingMessage): string | null {
    const method = request.method ?? "GET";
    if (method !== "GET" && method !== "HEAD") return null;
    const url = request.url ?? "/";
    const q = url.indexOf("?");
    const pathname = q < 0 ? url : url.slice(0, q);
    if (!paths.has(pathname)) return null;
    const headers = request.headers;
    if (BYPASS_HEADERS.some((name) => headers[name] !== undefined)) return null;
    if (hasSessionCookie(headers.cookie)) return null;
    return [method, url, ...KEY_HEADERS.map((name) => String(headers[name] ?? ""))].join("\n");
  }

  function store(key: string, entry: Entry): void {
    if (entry.generation !== generation) return;
    remove(key);
    // Oldest first (Map keeps insertion order): expired ones, then as many as the limits need.
    for (const [k, e] of entries) {
      const full = entries.size >= maxEntries || totalBytes + entry.body.length > maxTotalBytes;
      if (!full && now() - e.storedAt < ttlMs) break;
      remove(k);
    }
    if (entry.body.length > maxTotalBytes) return;
    totalBytes += entry.body.length;
    entries.set(key, entry);
  }

  return {
    size: () => entries.size,
    bytes: () => totalBytes,
    async handle(request, response, render) {
      const key = keyOf(request);
      if (key === null) {
        await render();
        return "bypass";
      }
      let gen: unknown;
      try {
        gen = await currentGeneration();
      } catch {
        // The database did not answer the version check: render as before (and fail as before).
        await render();
        return "bypass";
      }
      const entry = entries.get(key);
      if (entry && entry.generation === gen && now() - entry.storedAt < ttlMs) {
        replay(request, response, entry);
        return "hit";
      }
      const inflight = pending.get(key);
      if (inflight && inflight.generation === gen) {
        const shared = await inflight.result;
        if (shared && !response.headersSent) {
          replay(request, response, shared);
          return "coalesced";
        }
        await render();
        return "bypass";
      }
      response.setHeader("x-anonymous-cache", "miss");
      const captured = capture(response, maxBodyBytes);
      const result = captured.then((c) => (c && cacheable(c) ? { generation: gen, storedAt: now(), ...c } : null));
      const mine = { generation: gen, result };
      pending.set(key, mine);
      void result.then((e) => {
        if (pending.get(key) === mine) pending.delete(key);
        if (e) store(key, e);
      });
      try {
        await render();
      } finally {
        // A render that threw before writing anything leaves no end() to wait for.
        if (!response.headersSent && !response.writableEnded) captured.abandon();
      }
      return "miss";
    },
  };
}

function hasSessionCookie(cookie: string | undefined): boolean {
  if (!cookie) return false;
  // next-auth splits a large token into name.0, name.1, ...: any cookie starting with a session name counts.
  return cookie.split(";").some((pair) => {
    const name = pair.slice(0, pair.indexOf("=") < 0 ? undefined : pair.indexOf("=")).trim();
    return SESSION_COOKIE_NAMES.some((session) => name.startsWith(session));
  });
}

interface Captured {
  status: number;
  headers: [string, string | string[]][];
  body: Buffer;
}

function cacheable(c: Captured): boolean {
  if (c.status !== 200) return false;
  const names = new Set(c.headers.map(([name]) => name));
  if (names.has("set-cookie")) return false;
  const vary = c.headers.find(([name]) => name === "vary")?.[1];
  const varied = (Array.isArray(vary) ? vary.join(",") : (vary ?? ""))
    .split(",")
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean);
  return varied.every((v) => VARY_OK.has(v));
}

/**
 * Records the status, headers and bytes a response sends, as they reach Node (after any
 * compression layered on top later). Resolves when end() is called with everything written, or
 * null when the connection closed first, the body grew past the limit, or the caller gave up.
 */
function capture(response: ServerResponse, maxBodyBytes: number): Promise<Captured | null> & { abandon(): void } {
  let settle!: (value: Captured | null) => void;
  const promise = new Promise<Captured | null>((resolve) => {
    settle = resolve;
  }) as Promise<Captured | null> & { abandon(): void };
  let done = false;
  const finish = (value: Captured | null) => {
    if (done) return;
    done = true;
    settle(value);
  };
  promise.abandon = () => finish(null);
  const chunks: Buffer[] = [];
  let size = 0;
  let head: { status: number; headers: [string, string | string[]][] } | undefined;
  const take = (chunk: unknown, encoding: unknown) => {
    if (done || chunk === undefined || chunk === null || typeof chunk === "function") return;
    const buf =
      typeof chunk === "string"
        ? Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8")
        : Buffer.from(chunk as Uint8Array);
    size += buf.length;
    if (size > maxBodyBytes) finish(null);
    else chunks.push(buf);
  };

  const writeHead = response.writeHead;
  response.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse["writeHead"]>) {
    const result = writeHead.apply(this, args);
    // After the original: headers passed to writeHead are merged into getHeaders() by then.
    const all = this.getHeaders();
    head = {
      status: this.statusCode,
      headers: Object.entries(all)
        .filter(([name, value]) => value !== undefined && !NOT_REPLAYED.has(name))
        .map(([name, value]) => [name, Array.isArray(value) ? [...value] : String(value)]),
    };
    return result;
  } as ServerResponse["writeHead"];
  const write = response.write;
  response.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    take(chunk, rest[0]);
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as ServerResponse["write"];
  const end = response.end;
  response.end = function (this: ServerResponse, ...args: unknown[]) {
    take(args[0], args[1]);
    const result = (end as (...a: unknown[]) => ServerResponse).apply(this, args);
    // end() writes the head when nothing was written yet.
    finish(head && !response.destroyed ? { ...head, body: Buffer.concat(chunks) } : null);
    return result;
  } as ServerResponse["end"];
  response.once("close", () => finish(null));
  return promise;
}

function replay(request: IncomingMessage, response: ServerResponse, entry: Entry): void {
  for (const [name, value] of entry.headers) response.setHeader(name, value);
  if (request.method !== "HEAD") response.setHeader("content-length", entry.body.length);
  response.setHeader("x-anonymous-cache", "hit");
  response.writeHead(entry.status);
  response.end(request.method === "HEAD" ? undefined : entry.body);
}
