/*
 * Hostile predictions CSVs through the upload operation: each is refused in well under 5 s with
 * a line-numbered message, costs no quota, stores nothing, and never holds the event loop long
 * (the check runs inside the web server). The files are generated here, not committed.
 */
import fs from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Readable } from "node:stream";
import { beforeAll, expect, it } from "vitest";
import { appError } from "../../test-support/app-error-of";
import { createTestUser, registerFixtureDataset } from "../../test-support/scoring/scoring-fixture";
import { setUpScoringFixture } from "../../test-support/scoring/set-up-scoring-fixture";
import { describeEachEngine } from "../../test-support/test-db";
import { uploadsDir } from "../storage/local-disk-blob-store";
import { createSubmission } from "./create-submission";
import { getSubmissionQuota } from "./get-submission-quota";

const HEADER = "Image_Id,Gender,Hair_Color,Hair_Type\n";
const MIB = 1024 * 1024;

/** `count` copies of `unit` after the header, streamed in 64 KiB chunks like an HTTP body. */
function body(unit: string, count: number): { stream: Readable; bytes: number } {
  const chunkUnits = Math.max(1, Math.floor((64 * 1024) / unit.length));
  const chunk = Buffer.from(unit.repeat(chunkUnits));
  function* gen() {
    yield Buffer.from(HEADER);
    let left = count;
    for (; left >= chunkUnits; left -= chunkUnits) yield chunk;
    if (left > 0) yield Buffer.from(unit.repeat(left));
  }
  return { stream: Readable.from(gen()), bytes: HEADER.length + unit.length * count };
}

const CASES: { name: string; unit: string; count: number; expect: RegExp }[] = [
  { name: "10,000,000 lines of ',' (20 MB)", unit: ",\n", count: 10_000_000, expect: /^Found 2 values, expected 4/ },
  { name: "19 MiB of ',,,,'", unit: ",,,,\n", count: Math.floor((19 * MIB) / 5), expect: /^Found 5 values, expected 4/ },
  { name: "100,000 two-field rows", unit: "tp-000000000000,male\n", count: 100_000, expect: /^Found 2 values, expected 4/ },
  { name: "20 MB of blank lines", unit: "\n", count: 20_000_000, expect: /^The file has more lines than the \d+ test images can explain/ },
  {
    name: "20 MB of CR-only blank lines",
    unit: "\r",
    count: 20_000_000,
    expect: /^The file has more lines than the \d+ test images can explain/,
  },
  { name: "a 20 MB row", unit: "a", count: 20_000_000, expect: /^This row is longer than 10,000 characters/ },
];

const fixture = setUpScoringFixture({ count: 150 });

describeEachEngine("createSubmission with hostile CSVs", (t) => {
  beforeAll(async () => {
    await registerFixtureDataset({ db: t.db, fixture });
  });

  for (const c of CASES) {
    it(`refuses ${c.name} quickly, by line, without spending quota or blocking the event loop`, async () => {
      const user = await createTestUser({ db: t.db });
      const { stream, bytes } = body(c.unit, c.count);
      expect(bytes).toBeLessThanOrEqual(20 * MIB);

      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      const started = performance.now();
      const err = await appError(
        createSubmission({ db: t.db, dataDir: fixture.dataDir, userId: user.id, kind: "csv", fileName: "evil.csv", stream }),
      );
      const seconds = (performance.now() - started) / 1000;
      delay.disable();

      expect(err.code).toBe("validation");
      expect(err.userMessage).toMatch(/^The predictions file was not accepted: at least \d+ problems? to fix\. Nothing was scored\.$/);
      const details = err.details ?? [];
      expect(details[0]).toMatchObject({ line: expect.any(Number), message: expect.stringMatching(c.expect) });
      expect(details.at(-1)!.message).toMatch(/^Checking stopped .*at line [\d,]+: the rest of the file was not checked/);
      expect(details.length).toBeLessThanOrEqual(51);
      // Generous bounds (a shared 2-core machine): behaviour, not a benchmark. Measured: tens of ms.
      expect(seconds).toBeLessThan(5);
      expect(delay.max / 1e6).toBeLessThan(500);

      expect(await getSubmissionQuota({ db: t.db, userId: user.id })).toMatchObject({ used: 0 });
      expect(await t.db.submission.count({ where: { userId: user.id } })).toBe(0);
      const root = uploadsDir(fixture.dataDir);
      const left = fs.existsSync(root)
        ? (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => fs.statSync(`${root}/${f}`).isFile())
        : [];
      expect(left).toEqual([]);
    });
  }
});
