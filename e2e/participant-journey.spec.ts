import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, request as playwrightRequest, test, type Page } from "@playwright/test";
import { makeManifest, writeLayersBundle, writeOnnxBundle, zipFolder } from "../test-support/models/model-fixtures";
import { PASSWORD, sha256, signUpThroughPage, uniqueEmail } from "./helpers";

// One participant's way from sign-up to the leaderboard, then what a second participant and a
// visitor can and cannot reach. Serial: later steps use the submissions of earlier ones.
test.describe.configure({ mode: "serial", timeout: 180_000 });

const alice = { name: "E2E Alice", email: uniqueEmail("alice") };
const submissionIds: string[] = [];
let aliceFileUrl = "";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tp-e2e-files-"));

async function shot(page: Page, name: string, info: { outputPath(...p: string[]): string }) {
  await page.screenshot({ path: info.outputPath(`${name}.png`), fullPage: true });
}

/** Uploads on /submit and returns the new submission's id once its page says "scored". */
async function submitAndWaitScored(page: Page, options: { file: string; description: string; manifest?: string }): Promise<string> {
  await page.goto("/submit");
  await page.getByLabel("File").setInputFiles(options.file);
  if (options.manifest) await page.getByLabel("Manifest (manifest.json)").fill(options.manifest);
  await page.getByLabel(/Description/).fill(options.description);
  await page.getByRole("button", { name: "Submit" }).click();
  await page.waitForURL(/\/submissions\/[^/]+$/, { timeout: 60_000 });
  const id = page.url().split("/").pop()!;
  // The page follows the status live; a model run takes a few seconds in the sandbox.
  await expect(page.getByTestId("status").first()).toHaveText("scored", { timeout: 120_000 });
  await expect(page.getByTestId("public-main")).toHaveText(/^0\.\d{4}$/);
  return id;
}

test("a participant signs up, accepts the terms, downloads, submits and is ranked next to the baselines", async ({ page }, info) => {
  await signUpThroughPage(page, { ...alice, callbackUrl: "/data" });
  await expect(page).toHaveURL(/\/data$/);

  // Refused before accepting the terms: the page says so, and the file URL answers 403.
  await expect(page.getByTestId("terms-status")).toContainText(/accept/i);
  const refused = await page.request.get("/api/downloads/sample_submission.csv");
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error.message).toMatch(/terms/i);
  await shot(page, "data-before-terms", info);

  await page.getByRole("link", { name: "Read and accept the terms" }).click();
  await expect(page).toHaveURL(/\/terms/);
  await shot(page, "terms", info);
  await page.getByRole("checkbox").check();
  await page.getByRole("button", { name: "Accept the terms" }).click();
  await expect(page).toHaveURL(/\/data$/, { timeout: 30_000 });
  await shot(page, "data", info);

  // Download the sample submission through the page's link and check it against the listed SHA-256.
  const listed = (await page.getByTestId("sha256-sample_submission.csv").textContent())!.trim();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "sample_submission.csv" }).first().click(),
  ]);
  const samplePath = path.join(tmp, "sample_submission.csv");
  await download.saveAs(samplePath);
  const sample = fs.readFileSync(samplePath, "utf8");
  expect(sha256(fs.readFileSync(samplePath))).toBe(listed);
  const sums = await (await page.request.get("/api/downloads/SHA256SUMS")).text();
  expect(sums).toContain(`${listed}  sample_submission.csv`);

  // Resumable: a Range request returns exactly that slice.
  const partial = await page.request.get("/api/downloads/sample_submission.csv", { headers: { range: "bytes=10-29" } });
  expect(partial.status()).toBe(206);
  expect((await partial.body()).toString("utf8")).toBe(sample.slice(10, 30));

  // A CSV with mistakes: refused with line-numbered messages, nothing created.
  const lines = sample.trimEnd().split("\n");
  const broken = [
    lines[0],
    lines[1].replace(/,[^,]+,([^,]+),/, ",purple,$1,"),
    ...lines.slice(2, 5),
    lines[5] + ",extra",
    ...lines.slice(6),
  ];
  const brokenPath = path.join(tmp, "broken.csv");
  fs.writeFileSync(brokenPath, broken.join("\n") + "\n");
  await page.goto("/submit");
  await shot(page, "submit", info);
  await page.getByLabel("File").setInputFiles(brokenPath);
  await page.getByRole("button", { name: "Submit" }).click();
  const errors = page.getByTestId("upload-errors");
  await expect(errors).toContainText("Line 2", { timeout: 30_000 });
  await expect(errors).toContainText("Line 6");
  await shot(page, "submit-errors", info);

  // A valid CSV: scored within seconds.
  const validPath = path.join(tmp, "predictions.csv");
  fs.writeFileSync(validPath, sample);
  submissionIds.push(await submitAndWaitScored(page, { file: validPath, description: "sample submission as is" }));
  await shot(page, "submission-detail-csv", info);
  aliceFileUrl = `/api/submissions/${submissionIds[0]}/file`;
  expect((await page.request.get(aliceFileUrl)).status()).toBe(200);

  // A tfjs-layers model bundle and a bare ONNX model with its manifest typed on the page.
  const tfjsDir = path.join(tmp, "tfjs");
  await writeLayersBundle(tfjsDir, makeManifest("tfjs-layers"));
  const tfjsZip = path.join(tmp, "tfjs-model.zip");
  fs.writeFileSync(tfjsZip, zipFolder(tfjsDir));
  submissionIds.push(await submitAndWaitScored(page, { file: tfjsZip, description: "tfjs colour model" }));
  await expect(page.getByText(/log/i).first()).toBeVisible();
  await shot(page, "submission-detail-tfjs", info);

  const onnxDir = path.join(tmp, "onnx");
  const onnxManifest = writeOnnxBundle(onnxDir, { manifest: makeManifest("onnx"), heads: "sliced" });
  const onnxFile = path.join(tmp, "colour-model.onnx");
  fs.copyFileSync(path.join(onnxDir, "model.onnx"), onnxFile);
  submissionIds.push(
    await submitAndWaitScored(page, { file: onnxFile, manifest: JSON.stringify(onnxManifest, null, 2), description: "onnx colour model" }),
  );
  await shot(page, "submission-detail-onnx", info);

  await page.goto("/submissions");
  await expect(page.getByTestId("submission-row")).toHaveCount(3);
  await shot(page, "my-submissions", info);

  // Ranked on the public leaderboard, next to the flagged baselines.
  await page.goto("/leaderboard");
  const table = page.getByTestId("leaderboard-table");
  await expect(table.getByRole("rowheader", { name: alice.name })).toBeVisible();
  await expect(table.locator('tr[data-kind="baseline"]')).toHaveCount(2);
  await shot(page, "leaderboard-signed-in", info);

  await page.goto("/explore");
  await expect(page.getByTestId("portrait-grid").locator("img").first()).toBeVisible();
  await shot(page, "explore", info);
});

test("a second participant cannot open the first one's submissions or files", async ({ browser }) => {
  test.skip(submissionIds.length === 0, "needs the first participant's submissions");
  const context = await browser.newContext();
  const page = await context.newPage();
  await signUpThroughPage(page, { name: "E2E Bob", email: uniqueEmail("bob") });
  for (const id of submissionIds) {
    const detail = await page.goto(`/submissions/${id}`);
    expect(detail?.status()).toBe(404);
    expect((await page.request.get(`/api/submissions/${id}`)).status()).toBe(404);
    expect((await page.request.get(`/api/submissions/${id}/file`)).status()).toBe(404);
  }
  // Participants get no organizer pages or APIs.
  expect((await page.goto("/organizer"))?.status()).toBe(404);
  expect((await page.request.get("/api/organizer/labels")).status()).toBe(404);

  // Break: a copied session cookie used to outlive sign-out. Now signing out ends the session
  // on the server, so the copy is refused too.
  const cookies = await context.cookies();
  const copied = await playwrightRequest.newContext({ baseURL: test.info().project.use.baseURL, storageState: { cookies, origins: [] } });
  expect((await copied.get("/api/submissions")).status()).toBe(200);
  await page.goto("/");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByTestId("signed-in-as")).toHaveCount(0, { timeout: 30_000 });
  expect((await copied.get("/api/submissions")).status()).toBe(401);
  await copied.dispose();
  await context.close();
});

test("a visitor reads the challenge and the leaderboard, and reaches nothing private", async ({ page, request }, info) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await page.getByRole("link", { name: "Leaderboard" }).first().click();
  await expect(page).toHaveURL(/\/leaderboard/);
  const table = page.getByTestId("leaderboard-table");
  await expect(table.locator('tr[data-kind="baseline"]').first()).toContainText("Baseline");
  await shot(page, "leaderboard", info);
  await page.setViewportSize({ width: 390, height: 844 });
  // The wide table scrolls inside its own region; the page itself never scrolls sideways.
  for (const url of ["/leaderboard", "/", "/data", "/starter-kit", "/sign-up"]) {
    await page.goto(url);
    expect(await page.evaluate(() => document.documentElement.scrollWidth), url).toBeLessThanOrEqual(390);
  }
  await page.goto("/leaderboard");
  await shot(page, "leaderboard-phone", info);

  const api = await request.get("/api/leaderboard");
  expect(api.status()).toBe(200);
  const board = await api.json();
  expect(JSON.stringify(board)).not.toMatch(/privateMain|"private"\s*:\s*\{/);
  const csv = await request.get("/api/leaderboard/csv");
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toMatch(/text\/csv/);

  // Signed out: downloads, submissions and organizer APIs all refuse.
  expect((await request.get("/api/downloads/sample_submission.csv")).status()).toBe(401);
  if (aliceFileUrl) expect((await request.get(aliceFileUrl)).status()).toBe(401);
  expect((await request.get("/api/organizer/labels")).status()).toBe(404);
});

test("failed sign-ins earn growing waits, not a lock: the owner still gets in after a short one", async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto("/sign-in");
  // Wrong passwords until the form answers with a wait (the first few are free).
  await expect(async () => {
    await page.getByLabel("E-mail").fill(alice.email);
    await page.getByLabel("Password").fill(`wrong-password-${crypto.randomUUID()}`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText(/Too many failed sign-in attempts\. Try again in \d+ seconds?\./)).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 90_000 });
  // The right password is refused while the wait lasts, then accepted: nobody can lock the owner out.
  await expect(async () => {
    await page.getByLabel("E-mail").fill(alice.email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("signed-in-as")).toHaveText(alice.name, { timeout: 5_000 });
  }).toPass({ timeout: 60_000 });
});
