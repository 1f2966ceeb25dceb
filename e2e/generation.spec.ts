import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test, type Page } from "@playwright/test";
import { IMAGE_BYTES } from "../lib/challenge/definition";
import { buildPaths, currentLinkPath } from "../lib/dataset/layout";
import { buildLinearGenerator } from "../lib/generation/build-linear-generator";
import { createZipWriter } from "../lib/zip/create-zip-writer";
import { participantReadyToSubmit } from "./helpers";

// The generation track on the site (issue 12): a participant submits a generator through
// /submit?track=generation, waits for the score, sees the gallery beside the nearest training
// portraits, and finds the row on /leaderboard?track=generation. The instance gets a small
// feature network first (the organizer's CLI, one epoch on 500 train images) and its default
// generation phase is set to the smallest N (1,000) so scoring takes seconds.
test.describe.configure({ mode: "serial", timeout: 240_000 });

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "..");
const dataDir = process.env.E2E_DATA_DIR!;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tp-e2e-gen-"));
const PHASE = "default-generation-phase";
let submissionId = "";
// Unique per run: names are unique on the site, and a reused instance folder keeps earlier accounts.
const NAME = `E2E Gena ${Math.random().toString(36).slice(2, 7)}`;

/** Measured times and sizes, kept with the run's output (test-results/.../measurements.txt). */
function note(line: string) {
  fs.appendFileSync(test.info().outputPath("measurements.txt"), `${line}\n`);
}

async function shot(page: Page, name: string) {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

/**
 * A linear generator whose images are blends of 64 train portraits around their mean (the
 * project's ONNX writer, as the baselines build theirs): face-like, so the gallery shows
 * something a participant would recognise, and near nothing in train exactly.
 */
async function writeGeneratorZip(): Promise<string> {
  const cache = path.join(buildPaths(fs.realpathSync(currentLinkPath(dataDir))).cacheDir, "train.u8");
  const pixels = fs.readFileSync(cache).subarray(0, 64 * IMAGE_BYTES);
  const mean = new Float32Array(IMAGE_BYTES);
  for (let k = 0; k < 64; k++) for (let i = 0; i < IMAGE_BYTES; i++) mean[i] += pixels[k * IMAGE_BYTES + i] / 64;
  const basis = new Float32Array(64 * IMAGE_BYTES);
  for (let k = 0; k < 64; k++)
    for (let i = 0; i < IMAGE_BYTES; i++) basis[k * IMAGE_BYTES + i] = (pixels[k * IMAGE_BYTES + i] - mean[i]) * 0.3;
  const g = buildLinearGenerator({ mean, basis, name: "e2e_blend_generator" });
  const file = path.join(tmp, "blend-generator.zip");
  const zip = await createZipWriter(file);
  await zip.add("manifest.json", Buffer.from(JSON.stringify(g.manifest)));
  await zip.add("model.onnx", Buffer.from(g.onnx));
  await zip.finish();
  return file;
}

test.beforeAll(async () => {
  // The organizer's step: a feature network pinned to the default generation phase.
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
  delete env.DATABASE_URL;
  const started = performance.now();
  await run(
    process.execPath,
    ["--import", "tsx", "cli/generation.ts", "train-features", "--epochs", "1", "--max-images", "500", "--pin", PHASE],
    { cwd: ROOT, env, timeout: 180_000 },
  );
  test
    .info()
    .annotations.push({ type: "feature-network", description: `trained in ${((performance.now() - started) / 1000).toFixed(1)} s` });
  // The smallest N a phase may use, so the run takes seconds (the default is 10,000): the
  // instance's database, from a child process like the CLI (the spec runs outside the app).
  const script = path.join(tmp, "set-sample-count.ts");
  fs.writeFileSync(
    script,
    `import { closeDb, getDb } from ${JSON.stringify(path.join(ROOT, "lib/db/client"))};
async function main() {
  const phase = await getDb().phase.findUniqueOrThrow({ where: { id: ${JSON.stringify(PHASE)} } });
  await getDb().phase.update({ where: { id: phase.id }, data: { settings: { ...(phase.settings as object), sampleCount: 1000 } } });
  await closeDb();
}
main();
`,
  );
  await run(process.execPath, ["--import", "tsx", script], { cwd: ROOT, env, timeout: 60_000 });
});

test("a participant submits a generator on /submit and sees its gallery and metrics", async ({ browser }) => {
  const page = await participantReadyToSubmit(browser, NAME);
  await page.goto("/submit");
  await page
    .getByTestId("submit-track-switch")
    .getByRole("link", { name: /Generation/ })
    .click();
  await expect(page).toHaveURL(/\/submit\?track=generation$/);
  const form = page.getByTestId("generation-submit-form");
  await expect(page.getByTestId("quota")).toContainText("Generation development phase");

  // A wrong file first: refused in the browser, nothing sent.
  fs.writeFileSync(path.join(tmp, "notes.txt"), "not a generator");
  await form.getByLabel("File").setInputFiles(path.join(tmp, "notes.txt"));
  await expect(page.getByTestId("upload-errors")).toContainText(".zip or .onnx");

  await form.getByLabel("File").setInputFiles(await writeGeneratorZip());
  await expect(page.getByTestId("file-summary")).toContainText("Generator bundle (zip)");
  await form.getByLabel(/Description/).fill("blend of 64 train portraits");
  await form.getByRole("button", { name: "Submit" }).click();
  await page.waitForURL(/\/submissions\/[^/]+$/, { timeout: 60_000 });
  submissionId = page.url().split("/").pop()!;

  // Live status, then the score: 1,000 images generated in the sandbox and scored.
  const scoringStarted = performance.now();
  await expect(page.getByTestId("status").first()).toHaveText("scored", { timeout: 150_000 });
  test.info().annotations.push({
    type: "scoring",
    description: `scored ${((performance.now() - scoringStarted) / 1000).toFixed(1)} s after upload`,
  });
  await expect(page.getByTestId("public-main")).toHaveText(/^\d/);
  await expect(page.getByTestId("memorisation-verdict")).toContainText(/penalty/i);
  const metrics = page.getByTestId("generation-metrics");
  for (const label of ["FPD", "KID", "Precision", "Recall", "Density", "Coverage", "Near copies", "Penalty", "C_T"])
    await expect(metrics.getByRole("rowheader", { name: label, exact: true })).toBeVisible();
  await expect(page.getByTestId("feature-network-hash")).toHaveText(/^[0-9a-f]{64}$/);
  await expect(page.getByTestId("images-flag")).toHaveCount(0);

  // The gallery: 64 samples, each beside its nearest training portrait (this participant accepted the terms).
  await expect(page.getByTestId("gallery-item")).toHaveCount(64);
  await expect(page.getByRole("img", { name: "Nearest training portrait to sample 1", exact: true })).toBeVisible();
  const samples = await page.request.get(`/api/submissions/${submissionId}/gallery/samples.png`);
  expect(samples.status()).toBe(200);
  expect(samples.headers()["content-type"]).toBe("image/png");
  note(`[generation e2e] sample sheet: ${(await samples.body()).length} bytes`);
  expect((await page.request.get(`/api/submissions/${submissionId}/gallery/nearest.png`)).status()).toBe(200);
  // A visitor (no session) gets nothing of it.
  const anonymous = await (await browser.newContext()).request.get(`/api/submissions/${submissionId}/gallery/samples.png`);
  expect(anonymous.status()).toBe(401);

  await page.getByTestId("gallery").scrollIntoViewIfNeeded();
  await page.waitForLoadState("networkidle");
  await shot(page, "generation-submission-1440");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await page.waitForLoadState("networkidle");
  await shot(page, "generation-submission-390");

  // The generation board: this entry's row, lower is better; rank, name and score in view at 390 px.
  await page.goto("/leaderboard");
  await page.getByTestId("track-switch").getByRole("link", { name: "Generation track" }).click();
  await expect(page).toHaveURL(/\/leaderboard\?track=generation$/);
  const row = page.getByTestId("generation-row").filter({ hasText: NAME });
  await expect(row).toHaveCount(1);
  await expect(row.locator("td").first()).toHaveText(/^\d+$/);
  await expect(row.getByRole("rowheader")).toBeInViewport();
  await expect(row.locator("td").nth(1)).toBeInViewport();
  await shot(page, "generation-board-390");
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.reload();
  await shot(page, "generation-board-1440");

  const json = await page.request.get("/api/leaderboard?track=generation");
  expect(json.status()).toBe(200);
  const body = await json.json();
  expect(body).toMatchObject({ track: "generation", higherIsBetter: false });
  expect(body.rows.find((r: { name: string }) => r.name === NAME)).toMatchObject({ kind: "generator", flag: null });
});
