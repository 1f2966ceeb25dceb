import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeManifest, writeOnnxBundle, zipFolder } from "@/test-support/models/model-fixtures";
import { predictionsCsv } from "@/test-support/scoring/scoring-fixture";
import { setUpScoringFixture } from "@/test-support/scoring/set-up-scoring-fixture";

// `npm run score`: the organizer's local scorer, as a real process.

const ROOT = path.resolve(__dirname, "..");
const fixture = setUpScoringFixture({ count: 150, seed: 13 });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tp-score-cli-"));

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function score(args: string[], dataDir = fixture.dataDir): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scorer", "score-cli.ts"), ...args], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: `file:${path.join(tmp, "unused.sqlite")}` },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b) => (stdout += b));
    child.stderr.on("data", (b) => (stderr += b));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm run score", () => {
  it("prints the full public and private metrics of a CSV as JSON", async () => {
    const file = path.join(tmp, "truth.csv");
    fs.writeFileSync(file, predictionsCsv({ fixture, mode: "truth" }));
    const r = await score([file]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ kind: "csv", buildId: fixture.manifest.buildId, rows: fixture.testIds.length });
    expect(out.public).toMatchObject({ main: 1, attributes: { Gender: { accuracy: 1 } }, fairness: expect.any(Object) });
    expect(out.private.main).toBe(1);
    expect(r.stderr).toContain("public main 1.0000, private main 1.0000");
  });

  it("refuses a bad CSV with its problems by line on stderr and exit code 1", async () => {
    const file = path.join(tmp, "bad.csv");
    const lines = predictionsCsv({ fixture }).split("\n");
    lines[3] = lines[3].replace(/,female,|,male,/, ",robot,");
    fs.writeFileSync(file, lines.join("\n"));
    const r = await score([file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/Line 4: .*robot/);
  });

  it("scores a model zip in the sandbox", async () => {
    const dir = path.join(tmp, "onnx");
    writeOnnxBundle(dir, { manifest: makeManifest("onnx"), heads: "sliced" });
    const zip = path.join(tmp, "model.zip");
    fs.writeFileSync(zip, zipFolder(dir));
    const r = await score(["--model", zip]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ kind: "model", format: "onnx", stats: { images: fixture.testIds.length, backend: "onnxruntime" } });
    expect(out.public.n + out.private.n).toBe(fixture.testIds.length);
  });

  it("exits 2 when no dataset is prepared, and 1 for a missing file", async () => {
    expect((await score([path.join(tmp, "nope.csv")], path.join(tmp, "empty"))).code).toBe(2);
    const missing = await score([path.join(tmp, "nope.csv")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no such file");
  });
});
