import http from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { createAnonymousResponseCache, type AnonymousResponseCacheOptions, type CacheOutcome } from "./anonymous-response-cache";

/**
 * A real Node server with the cache in front of a stand-in for Next.js: the "page" names the
 * signed-in user from the cookie (as the site header does), carries a fresh nonce per render and
 * counts its renders, so a body served to the wrong person or a cached one shows in the text.
 */
interface Harness {
  base: string;
  renders: () => number;
  /** Requests the cache has been handed and not answered yet. */
  waiting: () => number;
  outcomes: CacheOutcome[];
  setGeneration(value: unknown): void;
  release(): void;
  close(): Promise<void>;
}

const servers: Harness[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function harness(options: Partial<AnonymousResponseCacheOptions> & { hold?: boolean } = {}): Promise<Harness> {
  let generation: unknown = 1;
  let renders = 0;
  let waiting = 0;
  let held: (() => void)[] = [];
  let holding = options.hold ?? false;
  const outcomes: CacheOutcome[] = [];
  const cache = createAnonymousResponseCache({
    paths: ["/", "/leaderboard", "/api/leaderboard"],
    generation: async () => generation,
    ...options,
  });
  const render = async (request: http.IncomingMessage, response: http.ServerResponse) => {
    renders += 1;
    const n = renders;
    if (holding) await new Promise<void>((resolve) => held.push(resolve));
    const url = new URL(request.url ?? "/", "http://x");
    const user = /next-auth\.session-token=([^;]+)/.exec(request.headers.cookie ?? "")?.[1];
    const nonce = `nonce-${n}`;
    response.setHeader("content-security-policy", `script-src 'nonce-${nonce}'`);
    response.setHeader("cache-control", "private, no-cache, no-store");
    if (url.searchParams.get("status")) response.statusCode = Number(url.searchParams.get("status"));
    if (url.searchParams.get("cookie")) response.setHeader("set-cookie", ["csrf=abc; HttpOnly"]);
    if (url.searchParams.get("vary")) response.setHeader("vary", url.searchParams.get("vary")!);
    const html = `<header>${user ? `signed in as ${user}` : "Sign in"}</header><script nonce="${nonce}"></script>render ${n} gen ${String(generation)}`;
    if (/gzip/.test(String(request.headers["accept-encoding"] ?? ""))) {
      response.setHeader("content-encoding", "gzip");
      response.end(zlib.gzipSync(html));
    } else {
      // Streamed in two writes, as Next.js streams a page.
      response.setHeader("content-type", "text/html");
      response.write(html.slice(0, 10));
      await new Promise((r) => setImmediate(r));
      response.end(html.slice(10));
    }
  };
  const server = http.createServer((request, response) => {
    response.setHeader("x-request-id", String(Math.random()));
    waiting += 1;
    void cache
      .handle(request, response, () => render(request, response))
      .then((o) => {
        waiting -= 1;
        outcomes.push(o);
      });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const h: Harness = {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    renders: () => renders,
    waiting: () => waiting,
    outcomes,
    setGeneration: (value) => {
      generation = value;
    },
    release: () => {
      holding = false;
      for (const r of held.splice(0)) r();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  held = [];
  servers.push(h);
  return h;
}

const get = async (h: Harness, path: string, headers: Record<string, string> = {}) => {
  const res = await fetch(h.base + path, { headers });
  return { status: res.status, text: await res.text(), headers: res.headers };
};

describe("anonymous response cache", () => {
  it("answers a visitor's repeat from the cache with the same bytes, nonce in header and body alike", async () => {
    const h = await harness();
    const plain = { "accept-encoding": "identity" };
    const first = await get(h, "/leaderboard?sort=genderF1", plain);
    const second = await get(h, "/leaderboard?sort=genderF1", plain);
    expect(h.renders()).toBe(1);
    expect(second.text).toBe(first.text);
    expect(first.headers.get("x-anonymous-cache")).toBe("miss");
    expect(second.headers.get("x-anonymous-cache")).toBe("hit");
    expect(second.headers.get("content-security-policy")).toBe("script-src 'nonce-nonce-1'");
    expect(second.text).toContain('nonce="nonce-1"');
    expect(second.headers.get("content-length")).toBe(String(Buffer.byteLength(first.text)));
    // The request id is the server's, per request, never the cached one.
    expect(second.headers.get("x-request-id")).not.toBe(first.headers.get("x-request-id"));
    // Another query is another page.
    await get(h, "/leaderboard?sort=genderF1&page=2");
    expect(h.renders()).toBe(2);
  });

  it("keeps a compressed answer per Accept-Encoding", async () => {
    const h = await harness();
    const gz = await get(h, "/", { "accept-encoding": "gzip" });
    const plain = await get(h, "/", { "accept-encoding": "identity" });
    const gz2 = await get(h, "/", { "accept-encoding": "gzip" });
    expect(h.renders()).toBe(2);
    expect(gz.text).toContain("render 1");
    expect(plain.text).toContain("render 2");
    expect(gz2.text).toBe(gz.text); // fetch decoded the cached gzip bytes
    expect(gz2.headers.get("content-encoding")).toBe("gzip");
  });

  it("renders a burst of concurrent misses once; the others get the same bytes", async () => {
    const h = await harness({ hold: true });
    const burst = Array.from({ length: 25 }, () => get(h, "/leaderboard"));
    // All 25 are in the server before the one render is let go.
    await expect.poll(() => h.waiting()).toBe(25);
    h.release();
    const answers = await Promise.all(burst);
    expect(h.renders()).toBe(1);
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(h.outcomes.filter((o) => o === "coalesced")).toHaveLength(24);
  });

  it("never serves a participant's page to a visitor, nor a visitor's page to a participant", async () => {
    const h = await harness();
    const visitor = await get(h, "/leaderboard");
    const ann = await get(h, "/leaderboard", { cookie: "next-auth.session-token=Ann" });
    const bob = await get(h, "/leaderboard", { cookie: "theme=dark; __Secure-next-auth.session-token.0=x; next-auth.session-token=Bob" });
    const visitorAgain = await get(h, "/leaderboard");
    const annAgain = await get(h, "/leaderboard", { cookie: "next-auth.session-token=Ann" });
    expect(visitor.text).toContain("Sign in");
    expect(ann.text).toContain("signed in as Ann");
    expect(bob.text).toContain("signed in as Bob");
    expect(visitorAgain.text).toBe(visitor.text);
    expect(visitorAgain.text).not.toMatch(/signed in as/);
    expect(annAgain.text).toContain("signed in as Ann");
    // Each signed-in view was rendered for its request: 1 visitor render + 3 signed-in ones.
    expect(h.renders()).toBe(4);
    expect(ann.headers.get("x-anonymous-cache")).toBeNull();
    // A chunked session cookie alone also counts as signed in.
    await get(h, "/leaderboard", { cookie: "next-auth.session-token.1=tail" });
    expect(h.renders()).toBe(5);
  });

  it("renders, never caches, requests with an Authorization, conditional, Range or RSC header", async () => {
    const h = await harness();
    await get(h, "/api/leaderboard");
    const bypassing: Record<string, string>[] = [
      { authorization: "Bearer tp_x" },
      { "if-none-match": '"a"' },
      { range: "bytes=0-3" },
      { rsc: "1" },
      { "next-router-state-tree": "x" },
    ];
    for (const headers of bypassing) {
      await get(h, "/api/leaderboard", headers);
    }
    expect(h.renders()).toBe(6);
    expect(h.outcomes.filter((o) => o === "bypass")).toHaveLength(5);
  });

  it("never caches a response that sets a cookie, an error, a Vary outside the key, other paths or methods", async () => {
    const h = await harness();
    for (const path of ["/?cookie=1", "/?status=500", "/?status=404", "/?vary=Cookie", "/?vary=*", "/account"]) {
      const a = await get(h, path);
      const b = await get(h, path);
      expect(b.text, path).not.toBe(a.text);
    }
    const cookie = await get(h, "/?cookie=1");
    expect(cookie.headers.get("set-cookie")).toBe("csrf=abc; HttpOnly");
    expect(cookie.headers.get("x-anonymous-cache")).toBe("miss");
    await fetch(`${h.base}/`, { method: "POST", body: "x" });
    await fetch(`${h.base}/`, { method: "POST", body: "x" });
    expect(h.outcomes.filter((o) => o === "hit")).toHaveLength(0);
    // Vary on Accept-Encoding is in the key: cached.
    await get(h, "/?vary=Accept-Encoding");
    expect((await get(h, "/?vary=Accept-Encoding")).headers.get("x-anonymous-cache")).toBe("hit");
  });

  it("answers HEAD from its own entry, without a body", async () => {
    const h = await harness();
    const head = () => fetch(`${h.base}/`, { method: "HEAD" });
    await head();
    const second = await head();
    expect(second.headers.get("x-anonymous-cache")).toBe("hit");
    expect(await second.text()).toBe("");
    expect((await get(h, "/")).text).toContain("render 2");
  });

  it("empties at once when the generation changes, and after the TTL", async () => {
    let clock = 0;
    const h = await harness({ ttlMs: 1000, now: () => clock });
    expect((await get(h, "/")).text).toContain("render 1 gen 1");
    expect((await get(h, "/")).text).toContain("render 1 gen 1");
    h.setGeneration(2);
    expect((await get(h, "/")).text).toContain("render 2 gen 2");
    clock = 999;
    expect((await get(h, "/")).text).toContain("render 2 gen 2");
    clock = 1000;
    expect((await get(h, "/")).text).toContain("render 3 gen 2");
  });

  it("does not keep a render whose generation moved while it ran", async () => {
    const h = await harness({ hold: true });
    const pendingAnswer = get(h, "/");
    await expect.poll(() => h.renders()).toBe(1);
    h.setGeneration("revealed");
    h.release();
    await pendingAnswer;
    expect((await get(h, "/")).text).toContain("render 2 gen revealed");
  });

  it("renders as before when the generation cannot be read", async () => {
    const h = await harness({
      generation: async () => {
        throw new Error("database down");
      },
    });
    expect((await get(h, "/")).status).toBe(200);
    expect((await get(h, "/")).text).toContain("render 2");
  });

  it("holds at most maxEntries pages and maxTotalBytes, whatever queries clients invent", async () => {
    for (const limits of [{ maxEntries: 3 }, { maxTotalBytes: 10 }]) {
      let most = { size: 0, bytes: 0 };
      const cache = createAnonymousResponseCache({ paths: ["/"], generation: async () => 1, ...limits });
      const server = http.createServer((request, response) => {
        void cache
          .handle(request, response, async () => {
            response.end("four");
          })
          .then(() => {
            most = { size: Math.max(most.size, cache.size()), bytes: Math.max(most.bytes, cache.bytes()) };
          });
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      for (let i = 0; i < 10; i++) await (await fetch(`${base}/?junk=${i}`, { headers: { "accept-encoding": "identity" } })).text();
      // The last one is kept once its end() has run.
      await expect.poll(() => cache.bytes()).toBeGreaterThan(0);
      expect(most.size).toBeLessThanOrEqual(limits.maxEntries ?? 2);
      expect(most.bytes).toBeLessThanOrEqual(limits.maxEntries ? 12 : 10);
      expect(cache.bytes()).toBe(cache.size() * 4);
      server.closeAllConnections();
      server.close();
    }
  });
});
