import http from "node:http";
import type { AddressInfo } from "node:net";
import { onTestFinished } from "vitest";
import type { Db } from "../../lib/db/client";
import { isAppError } from "../../lib/errors/app-error";
import { createAnonymousResponseCache, type AnonymousResponseCacheOptions } from "../../lib/http/anonymous-response-cache";
import { leaderboardFromSnapshot, type LeaderboardWithSeries } from "../../lib/leaderboard/get-leaderboard";
import { getLeaderboardSnapshot } from "../../lib/leaderboard/get-leaderboard-snapshot";

export interface BoardPage {
  server: http.Server;
  /** The body of a GET on `path`. */
  get(path: string): Promise<string>;
  /** How many times the page itself rendered (the rest came from the cache). */
  renders(): number;
}

/**
 * A stand-in for the leaderboard page behind the anonymous response cache, as scripts/serve-web.ts
 * wires them: it renders the private board when a visitor may see it and the public one otherwise,
 * as `<board>: <line(lb)>`, so a test can watch which board each cached answer shows.
 * Call it inside a test: the server closes when that test finishes.
 */
export async function serveBoardPage(options: {
  db: Db;
  cache: AnonymousResponseCacheOptions;
  line(lb: LeaderboardWithSeries): string;
}): Promise<BoardPage> {
  let renders = 0;
  const cache = createAnonymousResponseCache(options.cache);
  const server = http.createServer((request, response) => {
    void cache.handle(request, response, async () => {
      renders += 1;
      const cached = await getLeaderboardSnapshot({ db: options.db });
      let lb;
      try {
        lb = leaderboardFromSnapshot(cached, { board: "private", sort: "rank", dir: "asc" });
      } catch (error) {
        // Not revealed yet: the page falls back to the public board.
        if (!isAppError(error) || error.code !== "forbidden") throw error;
        lb = leaderboardFromSnapshot(cached, { board: "public", sort: "rank", dir: "asc" });
      }
      response.setHeader("content-type", "text/plain");
      response.end(`${lb.board}: ${options.line(lb)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(() => {
    server.closeAllConnections();
    server.close();
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, get: async (path) => (await fetch(base + path)).text(), renders: () => renders };
}
