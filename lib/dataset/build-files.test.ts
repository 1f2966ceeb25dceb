import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { LabelRow } from "../challenge/definition";
import { buildDatasetManifest } from "./build-dataset-manifest";
import { countLabels } from "./count-labels";
import { datasetManifestSchema } from "./dataset-manifest";
import { formatHiddenLabels, formatLabelsCsv, formatSampleSubmission } from "./format-build-csvs";
import { formatChecksums, sha256Hex } from "./format-checksums";
import { SYNTHETIC_MARKER_FILE } from "./layout";
import { readSourceMarker } from "./read-source-marker";
import type { DatasetSplit } from "./split-dataset";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "build-files-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const rows: LabelRow[] = [
  { Image_Index: 3, Gender: "female", Hair_Color: "blond", Hair_Type: "wavy" },
  { Image_Index: 5, Gender: "male", Hair_Color: "black", Hair_Type: "straight" },
  { Image_Index: 8, Gender: "male", Hair_Color: "n/a", Hair_Type: "n/a" },
] as LabelRow[];
const split: DatasetSplit = {
  train: [3],
  test: [
    { Image_Index: 8, Image_Id: "a1", split: "public" },
    { Image_Index: 5, Image_Id: "b2", split: "private" },
  ],
};
const testRows = split.test.map((t) => ({ ...t, labels: rows.find((r) => r.Image_Index === t.Image_Index)! }));

describe("the CSVs of a build", () => {
  it("labels, sample submission and hidden labels: header, rows in the given order, LF, final newline", () => {
    expect(formatLabelsCsv(rows).toString()).toBe(
      "Image_Index,Gender,Hair_Color,Hair_Type\n3,female,blond,wavy\n5,male,black,straight\n8,male,n/a,n/a\n",
    );
    expect(formatSampleSubmission(split.test, { Gender: "male", Hair_Color: "black", Hair_Type: "straight" }).toString()).toBe(
      "Image_Id,Gender,Hair_Color,Hair_Type\na1,male,black,straight\nb2,male,black,straight\n",
    );
    expect(formatHiddenLabels(testRows).toString()).toBe(
      "Image_Id,Split,Gender,Hair_Color,Hair_Type,Image_Index\na1,public,male,n/a,n/a,8\nb2,private,male,black,straight,5\n",
    );
  });

  it("SHA256SUMS in sha256sum's format", () => {
    const data = Buffer.from("hello");
    expect(sha256Hex(data)).toBe(crypto.createHash("sha256").update(data).digest("hex"));
    expect(
      formatChecksums([
        { name: "a.zip", sha256: "00ff" },
        { name: "b.csv", sha256: "aa11" },
      ]).toString(),
    ).toBe("00ff  a.zip\naa11  b.csv\n");
  });
});

describe("buildDatasetManifest", () => {
  const file = (n: number) => ({ sizeBytes: n, sha256: String(n).padStart(64, "0") });
  const base = {
    buildId: "b1",
    source: { path: "/src", layout: "zips" as const, marker: { synthetic: true, content: { seed: 1 } } },
    splitSeed: "secret",
    rowCount: 3,
    split,
    testRows,
    trainCounts: countLabels([rows[0]]),
    files: { trainZip: file(10), testZip: file(20), sampleSubmission: file(30), checksums: file(40) },
    warnings: ["w"],
    timings: { images: 5, total: 9 },
    now: new Date("2030-01-02T03:04:05Z"),
  };

  it("counts the split, lists the downloads with descriptions from the counts, hashes the seed", () => {
    const m = buildDatasetManifest({ ...base, skipped: [] });
    expect(datasetManifestSchema.parse(m)).toEqual(m);
    expect(m.createdAt).toBe("2030-01-02T03:04:05.000Z");
    expect(m.source).toEqual({ kind: "synthetic", path: "/src", layout: "zips", marker: { seed: 1 } });
    expect(m.splitSeedHash).toBe(sha256Hex("secret"));
    expect(JSON.stringify(m)).not.toContain('"secret"');
    expect(m.counts).toEqual({ total: 3, train: 1, test: 2, public: 1, private: 1 });
    expect(m.labelCounts.public.Hair_Color["n/a"]).toBe(1);
    expect(m.labelCounts.private.Hair_Color.black).toBe(1);
    expect(m.downloads.map((d) => [d.kind, d.sizeBytes])).toEqual([
      ["train-zip", 10],
      ["test-zip", 20],
      ["sample-submission", 30],
      ["checksums", 40],
    ]);
    expect(m.downloads[0].description).toMatch(/^1 training portraits/);
    expect(m.downloads[1].description).toMatch(/^2 test portraits/);
    expect(m.timings).toEqual({ images: 5, total: 9 });
  });

  it("reports the first 1,000 rows left out by line, and how many there were", () => {
    const skipped = Array.from({ length: 1500 }, (_, i) => ({ code: "bad-index" as const, message: `m${i}`, line: 1500 - i }));
    const m = buildDatasetManifest({ ...base, skipped, source: { ...base.source, marker: { synthetic: false } } });
    expect(m.source.kind).toBe("real");
    expect(m.source).not.toHaveProperty("marker");
    expect(m.report.skippedCount).toBe(1500);
    expect(m.report.skipped).toHaveLength(1000);
    expect(m.report.skipped[0]).toEqual({ code: "bad-index", message: "m1499", line: 1 });
    expect(m.report.skipped[999].line).toBe(1000);
  });
});

describe("readSourceMarker", () => {
  it("tells synthetic sources by their marker file, keeping JSON or the first 1,000 characters", async () => {
    const dir = (name: string, content?: string) => {
      const d = path.join(tmp, name);
      fs.mkdirSync(d);
      if (content !== undefined) fs.writeFileSync(path.join(d, SYNTHETIC_MARKER_FILE), content);
      return d;
    };
    expect(await readSourceMarker(dir("none"))).toEqual({ synthetic: false });
    expect(await readSourceMarker(dir("empty", "  \n"))).toEqual({ synthetic: true });
    expect(await readSourceMarker(dir("json", '{"seed": 4}\n'))).toEqual({ synthetic: true, content: { seed: 4 } });
    expect(await readSourceMarker(dir("text", "x".repeat(2000)))).toEqual({ synthetic: true, content: "x".repeat(1000) });
  });
});
