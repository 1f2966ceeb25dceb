import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import LeaderboardPage from "../app/leaderboard/page";
import { GET as getJson } from "../app/api/leaderboard/route";
import { GET as getCsv } from "../app/api/leaderboard/csv/route";
import { closeDb } from "../lib/db/client";
import { resetEnvCache } from "../lib/env";
import { createTestDatabase, type TestDatabase } from "../test-support/test-db";
import {
  addEntry,
  createLeaderboardDataset,
  createParticipant,
  placeEntriesInPhases,
} from "../test-support/leaderboard/leaderboard-fixtures";

// The page marks the viewer's own row: here the viewer is a visitor (no request cookies outside Next.js).
vi.mock("@/lib/auth/get-current-user", () => import("../test-support/auth/fake-current-user"));

/**
 * The route handlers and the page as Next.js calls them, against a scratch database (SQLite:
 * the parsing, mapping and rendering are engine-independent).
 */
describe("/api/leaderboard route handlers and the /leaderboard page", () => {
  let database: TestDatabase;
  const saved = process.env.DATABASE_URL;

  beforeAll(async () => {
    database = await createTestDatabase({ engine: "sqlite" });
    process.env.DATABASE_URL = database.url;
    resetEnvCache();
    const { id: datasetId } = await createLeaderboardDataset({ db: database.db });
    const ann = await createParticipant({ db: database.db, name: "=cmd|' /C calc'!A0" });
    const now = Date.now();
    await addEntry({ db: database.db, datasetId, userId: ann.id, createdAt: new Date(now - 1000), publicMain: 0.5, privateMain: 0.987654 });
    const eve = await createParticipant({ db: database.db, name: '<img src=x onerror="alert(1)">' });
    await addEntry({ db: database.db, datasetId, userId: eve.id, createdAt: new Date(now - 2000), publicMain: 0.4 });
    await database.db.phase.create({
      data: { name: "Main", startsAt: new Date(now - 3_600_000), endsAt: new Date(now + 3_600_000), dailyLimit: 5 },
    });
    await placeEntriesInPhases({ db: database.db });
  });
  afterAll(async () => {
    await closeDb();
    await database?.drop();
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
    resetEnvCache();
  });

  const call = (handler: (r: Request) => Promise<Response>, query: string) =>
    handler(new Request(`http://localhost/api/leaderboard${query}`));

  it("answers 400 with a clear message for bad parameters", async () => {
    for (const [handler, query, field] of [
      [getJson, "?sort=shoeSize", "sort"],
      [getJson, "?dir=sideways", "dir"],
      [getJson, "?board=secret", "board"],
      [getCsv, "?sort=main&dir=up", "dir"],
    ] as const) {
      const res = await call(handler, query);
      expect(res.status, query).toBe(400);
      expect(res.headers.get("cache-control")).toBe("no-store");
      const body = (await res.json()) as { error: { code: string; message: string; details: { field: string }[] } };
      expect(body.error.code).toBe("validation");
      expect(body.error.message).toMatch(/^Invalid leaderboard query: .*must be/);
      expect(body.error.details.map((d) => d.field)).toEqual([field]);
    }
  });

  it("answers 403 for the private board before the reveal, and never sends a private score", async () => {
    const res = await call(getJson, "?board=private");
    expect(res.status).toBe(403);
    const text = await res.text();
    expect(text).toContain("once the challenge phase has ended");
    expect(text).not.toContain("0.987654");
    expect((await call(getCsv, "?board=private")).status).toBe(403);
  });

  it("serves the public board as JSON and as CSV", async () => {
    const res = await call(getJson, "?sort=hairColorF1&dir=desc&_=123");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const body = (await res.json()) as {
      rows: { name: string; rank: number }[];
      columns: unknown[];
      phase: { status: string };
      sort: string;
      generatedAt: string;
    };
    expect(body).toMatchObject({ sort: "hairColorF1", phase: { status: "running" } });
    expect(body.rows).toHaveLength(2);
    expect(body.columns.length).toBeGreaterThan(5);
    expect(JSON.stringify(body)).not.toContain("0.987654");

    const csv = await call(getCsv, "");
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(csv.headers.get("content-disposition")).toContain("tiny-portraits-leaderboard-public.csv");
    const lines = (await csv.text()).trim().split("\n");
    expect(lines[0]).toBe(
      "rank,kind,name,main,genderF1,hairColorF1,hairTypeF1,genderAccuracy,hairColorAccuracy,hairTypeAccuracy,hairColorF1Female,hairColorF1Male,fairnessGap,submissions,bestAt,rankChange",
    );
    // A formula-looking name is neutralised for spreadsheets.
    // Quoted (it holds a `|`, a separator some import dialogs use), the formula start neutralised.
    expect(lines[1]).toMatch(/^1,participant,"'=cmd\|' \/C calc'!A0",/);
    expect(lines.join("\n")).not.toContain("0.987654");
  });

  const renderPage = async (params: Record<string, string | undefined>) =>
    renderToStaticMarkup(await LeaderboardPage({ searchParams: Promise.resolve(params) }));

  it("renders the page without any private score before the reveal, and with the private tab after it", async () => {
    for (const params of [{}, { board: "private" }, { sort: "hairColorF1", dir: "desc" }, { sort: "nonsense" }]) {
      const html = await renderPage(params);
      expect(html).toContain("Public leaderboard");
      expect(html).not.toContain("0.987654");
      expect(html).not.toContain("Private (final)");
    }
    expect(await renderPage({ board: "private" })).toContain("once the challenge phase has ended");
    // The table is a cached HTML string (board-table-html.ts): names must come out escaped.
    const html = await renderPage({});
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(html).not.toContain("<img src=x");
    expect(html).toMatch(/<th scope="col" aria-sort="ascending"[^>]*><a href="\/leaderboard\?dir=desc"/);
    expect(await renderPage({ sort: "nonsense" })).toContain("Showing the default order");

    await database.db.phase.updateMany({ data: { privateRevealed: true } });
    // The board is cached (a second, then refreshed in the background): it must show within a
    // few seconds, as a participant would see it.
    const revealed = await vi.waitFor(
      async () => {
        const html = await renderPage({ board: "private" });
        expect(html).toContain("Private leaderboard");
        return html;
      },
      { timeout: 5000, interval: 200 },
    );
    expect(revealed).toContain("Private (final)");
    expect(revealed).toContain("0.9877"); // 0.987654 shown to 4 digits
  });
});
