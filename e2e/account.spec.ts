import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test, type Page } from "@playwright/test";
import { signInThroughPage, signUpThroughPage, uniqueEmail } from "./helpers";

// A participant creates a personal API token on the account page, then works only through the
// Node CLI against `npm start`: login, download (checked), submit, scores; `curl -sI` on the
// downloads shows Content-Length; revoking the token on the page stops the CLI.
test.describe.configure({ mode: "serial", timeout: 240_000 });

const run = promisify(execFile);
const CLI = path.resolve(__dirname, "..", "starter-kit", "cli", "tp.mjs");
const home = fs.mkdtempSync(path.join(os.tmpdir(), "tp-e2e-cli-"));
const bob = { name: "E2E Token Bob", email: uniqueEmail("bob") };
let token = "";

async function shot(page: Page, name: string, info: { outputPath(...p: string[]): string }) {
  await page.screenshot({ path: info.outputPath(`${name}.png`), fullPage: true });
}

/** The CLI's environment: its own home (credentials go under it), no XDG_CONFIG_HOME / TP_URL / TP_TOKEN from ours. */
function cliEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
  delete env.XDG_CONFIG_HOME;
  delete env.TP_URL;
  delete env.TP_TOKEN;
  return env;
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: cliEnv(), cwd: home, timeout: 180_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

test("a token created on the account page drives the Node CLI: download, submit, scores", async ({ page, baseURL }, info) => {
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
  const id = /as (\S+)/.exec(submitted.stdout)![1];
  const list = await cli(["submissions"]);
  expect(list.stdout).toContain(id);
  const board = await cli(["leaderboard"]);
  expect(board.stdout).toContain(bob.name);

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
