import { execFile } from "node:child_process";
import fs from "node:fs";
import { promisify } from "node:util";
import { expect, test } from "@playwright/test";
import { signUpThroughPage, uniqueEmail } from "./helpers";

// An organizer made with `npm run users -- promote` (itself recorded in the audit trail) bans a
// participant, whose API token then stops working and whose browser session ends; exports the
// terms acceptances as CSV; and finds each action on the audit page.
const run = promisify(execFile);
const dataDir = process.env.E2E_DATA_DIR!;

test("an organizer bans a participant (token and session stop), exports the acceptances, and the audit trail shows it all", async ({
  browser,
  baseURL,
}) => {
  test.setTimeout(180_000);
  // The participant: accepts the terms and creates an API token on the account page.
  const participantContext = await browser.newContext();
  const pp = await participantContext.newPage();
  const participant = { name: "E2E Banned", email: uniqueEmail("banned") };
  await signUpThroughPage(pp, { ...participant, callbackUrl: "/terms" });
  await pp.getByRole("checkbox").check();
  await pp.getByRole("button", { name: "Accept the terms" }).click();
  await expect(pp).toHaveURL(/\/data$/, { timeout: 30_000 });
  await pp.goto("/account");
  const form = pp.getByTestId("token-form");
  await form.getByLabel("Name").fill("e2e script");
  await form.getByRole("button", { name: "Create token" }).click();
  const token = (await pp.getByTestId("new-token-value").textContent({ timeout: 30_000 }))!.trim();
  const withToken = { headers: { authorization: `Bearer ${token}` } };
  expect((await pp.request.get("/api/downloads", withToken)).status()).toBe(200);

  // The organizer: a confirmed account promoted on the command line.
  const organizerContext = await browser.newContext();
  const page = await organizerContext.newPage();
  const organizer = { name: "E2E Console", email: uniqueEmail("console") };
  await signUpThroughPage(page, organizer);
  expect((await page.goto("/organizer/participants"))?.status()).toBe(404);
  await run("npx", ["tsx", "cli/users.ts", "promote", organizer.email], { env: { ...process.env, DATA_DIR: dataDir } });

  // Tokens never reach the organizer routes, whoever owns them.
  expect((await pp.request.get("/api/organizer/export/acceptances.csv", withToken)).status()).toBe(404);

  await page.goto(`/organizer/participants?q=${encodeURIComponent(participant.email)}`);
  const row = page.getByTestId("participant-row");
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(participant.email);
  await row.getByRole("link", { name: participant.name }).click();
  await expect(page.getByRole("heading", { name: participant.name })).toBeVisible();
  const statusForm = page.getByTestId("status-form");
  await statusForm.getByLabel("New status").selectOption("banned");
  await statusForm.getByLabel("Reason (organizers only)").fill("Shared the test images publicly");
  page.once("dialog", (dialog) => void dialog.accept());
  await statusForm.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("participant-status")).toContainText("banned", { timeout: 30_000 });
  await expect(page.getByTestId("participant-status")).toContainText("Shared the test images publicly");

  // The token is refused at once, and the participant's browser is signed out.
  const refused = await pp.request.get("/api/downloads", withToken);
  expect(refused.status()).toBe(401);
  expect(await refused.text()).toContain("banned");
  expect((await pp.request.get("/api/account/export")).status()).toBe(401);

  // The acceptances CSV, from the compliance page's export link.
  await page.goto("/organizer/compliance");
  await expect(page.getByTestId("acceptances-table")).toContainText(participant.email);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-csv").click()]);
  expect(download.suggestedFilename()).toBe("tiny-portraits-acceptances.csv");
  const csv = await (await fetch(`${baseURL}/api/organizer/export/acceptances.csv`)).text();
  expect(csv).not.toContain(participant.email); // a visitor gets nothing
  const text = fs.readFileSync(await download.path(), "utf8");
  expect(text.split("\n")[0]).toBe("id,accepted_at,user_id,email,name,terms_version,ip");
  expect(text).toContain(participant.email);

  // Each action is on the audit page.
  await page.goto("/organizer/audit");
  const audit = page.getByTestId("audit-table");
  await expect(audit.locator('[data-action="user.promote"]').filter({ hasText: organizer.email })).toHaveCount(1);
  await expect(audit.locator('[data-action="user.ban"]').filter({ hasText: "Shared the test images publicly" })).toHaveCount(1);
  await expect(audit.locator('[data-action="export.acceptances"]').filter({ hasText: organizer.email })).toHaveCount(1);

  await participantContext.close();
  await organizerContext.close();
});
