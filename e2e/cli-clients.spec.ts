import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { zipFolder } from "../test-support/models/model-fixtures";
import { cliHome, createTokenOnAccountPage, printedScore, runCli, submittedId, writeColourModel } from "./cli-process";
import { signUpThroughPage, uniqueEmail } from "./helpers";

/*
 * Issue 11, "done when": a participant creates a token on the account page, then uses only the
 * Python client (starter-kit/cli/tp.py, standard library only) against `npm start`: login,
 * download (checked, and resumed after a cut), submit a CSV and a model bundle (scored in the
 * instance's sandbox), read the scores, the board and the final pick. The Node CLI does the same
 * in e2e/account.spec.ts.
 */

const sha256 = (file: string) => crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");

test("a token from the account page drives the Python client: download, submit a CSV and a model, scores, final pick", async ({
  page,
  baseURL,
}) => {
  test.setTimeout(240_000);
  const pia = { name: `Pia ${Math.random().toString(36).slice(2, 6)}`, email: uniqueEmail("pia") };
  await signUpThroughPage(page, { ...pia, callbackUrl: "/terms" });
  await page.getByRole("checkbox").check();
  await page.getByRole("button", { name: "Accept the terms" }).click();
  await expect(page).toHaveURL(/\/data$/, { timeout: 30_000 });
  const token = await createTokenOnAccountPage(page, "python laptop");

  const home = cliHome("python");
  const py = (args: string[]) => runCli("python", home, args);

  // Login checks the token before storing it, readable by Pia only.
  const wrong = await py(["login", "--url", baseURL!, "--token", `tp_${"x".repeat(43)}`]);
  expect(wrong.code).toBe(1);
  expect(wrong.stderr).toContain("not valid");
  const login = await py(["login", "--url", baseURL!, "--token", token]);
  expect(login.code, login.stderr).toBe(0);
  expect(fs.statSync(path.join(home, ".config", "tiny-portraits", "credentials.json")).mode & 0o777).toBe(0o600);

  // Download: every file, each the size and SHA-256 the site lists.
  const listing = (await (await page.request.get("/api/downloads")).json()) as {
    files: { name: string; sizeBytes: number; sha256: string }[];
  };
  expect(listing.files.length).toBeGreaterThanOrEqual(4);
  const dir = path.join(home, "data");
  const download = await py(["download", "--dir", dir]);
  expect(download.code, download.stderr).toBe(0);
  expect(download.stdout).toContain(`All ${listing.files.length} files are in ${dir}`);
  for (const file of listing.files) {
    expect(download.stdout).toContain(`${file.name}: `);
    expect(sha256(path.join(dir, file.name))).toBe(file.sha256);
  }
  // Progress goes to stderr (one line a second when not a terminal, and a last one per file).
  expect(download.stderr).toMatch(/sample_submission\.csv: .* of .* \(100%\)/);

  // An interrupted download (half the biggest file in NAME.part) resumes where it stopped.
  const biggest = [...listing.files].sort((a, b) => b.sizeBytes - a.sizeBytes)[0];
  const full = path.join(dir, biggest.name);
  fs.writeFileSync(`${full}.part`, fs.readFileSync(full).subarray(0, Math.floor(biggest.sizeBytes / 2)));
  fs.rmSync(full);
  const resumed = await py(["download", "--dir", dir]);
  expect(resumed.code, resumed.stderr).toBe(0);
  expect(resumed.stdout).toContain(`${biggest.name}: resuming at`);
  expect(resumed.stdout).toContain("sample_submission.csv: already here, checksum OK");
  expect(sha256(full)).toBe(biggest.sha256);

  // A CSV: scored, the printed score the server's.
  const csv = path.join(dir, "sample_submission.csv");
  const submitted = await py(["submit", csv, "--description", "from Python", "--wait"]);
  expect(submitted.code, submitted.stdout + submitted.stderr).toBe(0);
  const csvId = submittedId(submitted.stdout);
  const csvScore = printedScore(submitted.stdout);
  expect(submitted.stdout).toMatch(/left today/);

  // A refused CSV: exit 1 and the server's line-numbered problem.
  const lines = fs.readFileSync(csv, "utf8").split("\n");
  lines[2] = lines[2].replace(/,[^,]+$/, ",curly-ish");
  const bad = path.join(home, "bad.csv");
  fs.writeFileSync(bad, lines.join("\n"));
  const refused = await py(["submit", bad]);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/line 3: .*curly-ish/);

  // A model bundle (zip: model.onnx + manifest.json), detected by its extension, run by the sandbox.
  const bundleDir = path.join(home, "bundle");
  writeColourModel(bundleDir);
  const zip = path.join(home, "colour-model.zip");
  fs.writeFileSync(zip, zipFolder(bundleDir));
  const modelRun = await py(["submit", zip, "--description", "colour model", "--wait"]);
  expect(modelRun.code, modelRun.stdout + modelRun.stderr).toBe(0);
  const modelId = submittedId(modelRun.stdout);
  expect(modelRun.stdout).toContain(`${modelId}  colour-model.zip  scored`);
  const modelScore = printedScore(modelRun.stdout);
  for (const attribute of ["Gender", "Hair_Color", "Hair_Type"])
    expect(modelRun.stdout).toMatch(new RegExp(`  ${attribute}: macro-F1 [0-9.]+,`));
  for (const [id, score, kind] of [
    [csvId, csvScore, "csv"],
    [modelId, modelScore, "model"],
  ] as const) {
    const { submission } = (await (await page.request.get(`/api/submissions/${id}`)).json()) as {
      submission: { kind: string; status: string; publicMain: number };
    };
    expect(submission).toMatchObject({ kind, status: "scored", publicMain: score });
    expect(printedScore((await py(["status", id])).stdout)).toBe(score);
  }

  // Reading the scores: the list, the board (Pia's better entry), the final pick.
  const list = await py(["submissions"]);
  expect(list.code, list.stderr).toBe(0);
  expect(list.stdout).toMatch(/^\d+ of \d+ submissions left today$/m);
  expect(list.stdout).toMatch(new RegExp(`^${csvId} .* csv +${csvScore} `, "m"));
  expect(list.stdout).toMatch(new RegExp(`^${modelId} .* model +${modelScore} `, "m"));
  await expect
    .poll(async () => new RegExp(`^\\d+\\s+${pia.name}\\s+(\\S+)$`, "m").exec((await py(["leaderboard"])).stdout)?.[1], { timeout: 30_000 })
    .toBe(Math.max(csvScore, modelScore).toFixed(4));
  const final = await py(["final", modelId]);
  expect(final.code, final.stderr).toBe(0);
  expect(final.stdout).toContain(`Final submissions: ${modelId}`);
  // `final` alone only shows the pick.
  expect((await py(["final"])).stdout).toContain(`Final submissions: ${modelId}`);
  expect((await py(["submissions"])).stdout).toMatch(new RegExp(`^${modelId} .* final +colour-model\\.zip$`, "m"));
  fs.rmSync(home, { recursive: true, force: true });
});
