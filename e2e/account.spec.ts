import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test, type Page } from "@playwright/test";
import { cliHome, printedScore, runCli, submittedId, writeColourModel } from "./cli-process";
import { signInThroughPage, signUpThroughPage, uniqueEmail } from "./helpers";

// A participant creates a personal API token on the account page, then works only through the
// Node CLI against `npm start`: login, download (checked), submit a CSV and an ONNX model (scored
// in the sandbox), scores, final pick; `curl -sI` on the downloads shows Content-Length; revoking
// the token on the page stops the CLI. The Python client: e2e/cli-clients.spec.ts.
test.describe.configure({ mode: "serial", timeout: 240_000 });

const run = promisify(execFile);
const home = cliHome("node");
const bob = { name: "E2E Token Bob", email: uniqueEmail("bob") };
let token = "";

async function shot(page: Page, name: string, info: { outputPath(...p: string[]): string }) {
  await page.screenshot({ path: info.outputPath(`${name}.png`), fullPage: true });
}

const cli = (args: string[]) => runCli("node", home, args);

test("a token created on the account page drives the Node CLI: download, submit a CSV and a model, scores", async ({
  page,
  baseURL,
}, info) => {
  await signUpThroughPage(page, { ...bob, callbackUrl: "/terms" });
  await page.getByRole("checkbox").check();
  await page.getByRole("button", { name: "Accept the terms" }).click();
  await expect(page).toHaveURL(/\/data$/, { timeout: 30_000 });

  // The header's name leads to the account page.
  await page.getByTestId("signed-in-as").click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId("sessions")).toContainText("this browser");
  await expect(page.getByTestId("delete-statement")).toContainText("Your submissions and their scores stay");

  const form = page.getByTestId("token-form");
  await form.getByLabel("Name").fill("e2e laptop");
  await form.getByRole("button", { name: "Create token" }).click();
  token = (await page.getByTestId("new-token-value").textContent({ timeout: 30_000 }))!.trim();
  expect(token).toMatch(/^tp_[A-Za-z0-9_-]{43}$/);
  // The hint is a command that works as shown: this site's address, the token pasted at the prompt.
  await expect(page.getByTestId("new-token")).toContainText(`node tp.mjs login --url ${baseURL}`);
  await expect(page.getByTestId("new-token")).toContainText(`python3 tp.py login --url ${baseURL}`);
  await page.setViewportSize({ width: 1440, height: 900 });
  await shot(page, "account-1440", info);
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, "account-390", info);
  await page.setViewportSize({ width: 1280, height: 720 });

  const login = await cli(["login", "--url", baseURL!, "--token", token]);
  expect(login.code, login.stderr).toBe(0);
  expect(fs.statSync(path.join(home, ".config", "tiny-portraits", "credentials.json")).mode & 0o777).toBe(0o600);

  const dir = path.join(home, "data");
  const download = await cli(["download", "--dir", dir]);
  expect(download.code, download.stderr).toBe(0);
  expect(download.stdout).toContain("sample_submission.csv: ");
  expect(download.stdout).toMatch(/All \d+ files are in/);

  const submitted = await cli(["submit", path.join(dir, "sample_submission.csv"), "--description", "from the CLI", "--wait"]);
  expect(submitted.code, submitted.stderr).toBe(0);
  expect(submitted.stdout).toMatch(/public score \(mean macro-F1\): 0\.\d+/);
  const id = submittedId(submitted.stdout);
  const csvScore = printedScore(submitted.stdout);

  // A model through the same CLI: a bare ONNX file and its manifest, run and scored by the
  // instance's sandbox; the printed numbers are the server's.
  const bundle = writeColourModel(path.join(home, "model"));
  const modelRun = await cli(["submit", bundle.model, "--model", "--manifest", bundle.manifest, "--description", "colour model", "--wait"]);
  expect(modelRun.code, modelRun.stdout + modelRun.stderr).toBe(0);
  const modelId = submittedId(modelRun.stdout);
  expect(modelRun.stdout).toContain(`${modelId}  model.onnx  scored`);
  const modelScore = printedScore(modelRun.stdout);
  for (const attribute of ["Gender", "Hair_Color", "Hair_Type"])
    expect(modelRun.stdout).toMatch(new RegExp(`  ${attribute}: macro-F1 [0-9.]+,`));
  const stored = (await (await page.request.get(`/api/submissions/${modelId}`)).json()) as {
    submission: { kind: string; status: string; modelFormat: string; publicMain: number };
  };
  expect(stored.submission).toMatchObject({ kind: "model", status: "scored", modelFormat: "onnx", publicMain: modelScore });
  expect(printedScore((await cli(["status", modelId])).stdout)).toBe(modelScore);

  const list = await cli(["submissions"]);
  expect(list.code, list.stderr).toBe(0);
  expect(list.stdout).toMatch(new RegExp(`^${id} .* csv +${csvScore} `, "m"));
  expect(list.stdout).toMatch(new RegExp(`^${modelId} .* model +${modelScore} `, "m"));
  // The board ranks Bob's better entry (its JSON is cached for a moment: poll).
  await expect
    .poll(async () => /^\d+\s+E2E Token Bob\s+(\S+)$/m.exec((await cli(["leaderboard"])).stdout)?.[1], { timeout: 30_000 })
    .toBe(Math.max(csvScore, modelScore).toFixed(4));
  const final = await cli(["final", modelId]);
  expect(final.code, final.stderr).toBe(0);
  expect(final.stdout).toContain(`Final submissions: ${modelId}`);
  expect((await cli(["submissions"])).stdout).toMatch(new RegExp(`^${modelId} .* final +model\\.onnx$`, "m"));

  // The page shows when the token was last used.
  await page.goto("/account");
  await expect(page.getByTestId("tokens")).toContainText("e2e laptop");
  await expect(page.getByTestId("tokens")).not.toContainText("last used never");
});

test("curl -sI on each download route shows Content-Length and Accept-Ranges", async ({ baseURL }) => {
  // The token is not a browser session: the account routes refuse it.
  const exported = await run("curl", [
    "-s",
    "-o",
    "/dev/null",
    "-w",
    "%{http_code}",
    "-H",
    `Authorization: Bearer ${token}`,
    `${baseURL}/api/account/export`,
  ]);
  expect(exported.stdout).toBe("401");
  const listing = JSON.parse((await run("curl", ["-sf", "-H", `Authorization: Bearer ${token}`, `${baseURL}/api/downloads`])).stdout) as {
    files: { name: string; sizeBytes: number }[];
  };
  expect(listing.files.length).toBeGreaterThanOrEqual(4);
  for (const file of listing.files) {
    const url = `${baseURL}/api/downloads/${file.name}`;
    const head = (await run("curl", ["-sI", "-H", `Authorization: Bearer ${token}`, url])).stdout;
    expect(head).toMatch(/^HTTP\/1\.1 200/);
    expect(head).toMatch(new RegExp(`^content-length: ${file.sizeBytes}\\r?$`, "im"));
    expect(head).toMatch(/^accept-ranges: bytes\r?$/im);
    expect(head).not.toMatch(/x-tiny-portraits-content-length/i);
    // GET (headers only) and a range.
    const get = (await run("curl", ["-s", "-D", "-", "-o", "/dev/null", "-H", `Authorization: Bearer ${token}`, url])).stdout;
    expect(get).toMatch(new RegExp(`^content-length: ${file.sizeBytes}\\r?$`, "im"));
    expect(get).not.toMatch(/^transfer-encoding: chunked/im);
    const range = (await run("curl", ["-s", "-D", "-", "-o", "/dev/null", "-r", "0-9", "-H", `Authorization: Bearer ${token}`, url]))
      .stdout;
    expect(range).toMatch(/^HTTP\/1\.1 206/);
    expect(range).toMatch(/^content-length: 10\r?$/im);
  }
});

test("revoking the token on the account page stops the CLI at once", async ({ page }) => {
  await signInThroughPage(page, { ...bob, callbackUrl: "/account" });
  await expect(page).toHaveURL(/\/account$/);
  await page.getByTestId("tokens").getByRole("button", { name: "Revoke" }).click();
  // The list re-renders without it.
  await expect(page.getByTestId("tokens")).toHaveCount(0, { timeout: 30_000 });
  const after = await cli(["submissions"]);
  expect(after.code).toBe(1);
  expect(after.stderr).toContain("not valid");
});
