import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { describeEachEngine } from "../../test-support/test-db";
import { addEntry, resetLeaderboardData, createParticipant, PUBLIC_BOARD } from "../../test-support/leaderboard/leaderboard-fixtures";
import { exportLeaderboard, neutraliseFormula } from "./export-leaderboard";

const DANGEROUS = /^[=+\-@\t\r]/;
const NUMBER = /^-?\d+(\.\d+)?(e-?\d+)?$/;

/** Every cell a spreadsheet could make of `line`, whatever the separator it assumes and whether it honours quotes. */
function cellsOf(line: string): string[] {
  const out: string[] = [];
  for (const sep of [",", ";", "\t", "|"]) {
    out.push(...line.split(sep));
    out.push(...line.replace(/"/g, "").split(sep));
    try {
      out.push(...(parse(line, { delimiter: sep, relax_quotes: true }) as string[][]).flat());
    } catch {
      // Not valid CSV for this delimiter: the naive splits above still count.
    }
  }
  return out;
}

describe("CSV formula guard", () => {
  it("neutralises a formula after every separator a locale may use", () => {
    for (const name of ["Hax;=1+1;@SUM(1+1)", '=HYPERLINK("x")', "a,+1", "b\t-2", "c|@x", "\t=1", "ok;\t=1"]) {
      const safe = neutraliseFormula(name);
      for (const cell of cellsOf(safe)) expect(cell, `${name} -> ${safe}: ${JSON.stringify(cell)}`).not.toMatch(DANGEROUS);
    }
    expect(neutraliseFormula("Ann-Marie O'Neil")).toBe("Ann-Marie O'Neil");
    expect(neutraliseFormula("Hax;=1+1;@SUM(1+1)")).toBe("Hax;'=1+1;'@SUM(1+1)");
  });
});

describeEachEngine("leaderboard CSV export", (t) => {
  it("writes no cell that starts a formula, in `,` `;` tab or `|` splits", async () => {
    const { id: datasetId } = await resetLeaderboardData({ db: t.db });
    const names = ["Hax;=1+1;@SUM(1+1)", "+cmd|' /C calc'!A0", "tab\t=2", "plain"];
    for (const [i, name] of names.entries()) {
      const user = await createParticipant({ db: t.db, name });
      await addEntry({ db: t.db, datasetId, userId: user.id, createdAt: new Date(Date.UTC(2026, 0, 1, i)), publicMain: 0.5 + i / 100 });
    }
    const { body } = await exportLeaderboard({
      db: t.db,
      query: PUBLIC_BOARD,
      format: "csv",
      cache: { maxAgeMs: 0, staleMs: 0 },
    });
    const lines = body.trimEnd().split("\n");
    expect(lines).toHaveLength(names.length + 1);
    // The names survive for a quote-aware reader (with the marker in front of formula starts).
    const rows = parse(body, { columns: true }) as { name: string }[];
    expect(rows.map((r) => r.name).sort()).toEqual(names.map(neutraliseFormula).sort());
    for (const line of lines.slice(1)) {
      for (const cell of cellsOf(line)) if (!NUMBER.test(cell.trim())) expect(cell, line).not.toMatch(DANGEROUS);
    }
  });
});
