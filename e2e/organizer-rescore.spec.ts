import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, test } from "@playwright/test";
import { signUpThroughPage, uniqueEmail } from "./helpers";

// An organizer rescores the current phase from the console (the baselines that `npm start`
// submitted are its scored entries), confirms the number, watches the progress bar reach done,
// and finds the bulk rescore in the audit trail.
const run = promisify(execFile);
const dataDir = process.env.E2E_DATA_DIR!;

test("an organizer rescores a phase from the console, sees the progress reach done, and the audit trail records it", async ({
  browser,
}) => {
  test.setTimeout(300_000);
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const organizer = { name: "E2E Rescore", email: uniqueEmail("rescore") };
  await signUpThroughPage(page, organizer);
  expect((await page.goto("/organizer/jobs"))?.status()).toBe(404);
  await run("npx", ["tsx", "cli/users.ts", "promote", organizer.email], { env: { ...process.env, DATA_DIR: dataDir } });

  // The baselines are scored in the background after start-up: wait until at least one is.
  const panel = page.getByTestId("rescore-panel");
  await expect(async () => {
    await page.goto("/organizer/submissions?status=scored");
    await expect(panel.getByRole("button", { name: /Rescore all [1-9]\d* matching/ })).toBeVisible({ timeout: 2000 });
  }).toPass({ timeout: 180_000 });

  await panel.getByRole("button", { name: "Rescore this phase" }).click();
  const count = Number(await panel.getByTestId("rescore-count").textContent());
  expect(count).toBeGreaterThan(0);
  await panel.getByRole("button", { name: `Rescore ${count}` }).click();
  await expect(panel.getByText(`Queued ${count} scoring jobs.`)).toBeVisible({ timeout: 30_000 });

  // The panel polls: the newest batch reaches done with every job scored.
  const batch = panel.getByTestId("rescore-batch").first();
  await expect(batch.getByTestId("rescore-batch-counts")).toContainText(
    `done: ${count} scored, 0 failed, 0 running, 0 queued of ${count}`,
    {
      timeout: 180_000,
    },
  );
  await expect(batch.getByRole("progressbar")).toHaveAttribute("aria-valuenow", String(count));
  // Same model, same data: the scores did not move.
  await expect(batch.getByTestId("rescore-batch-counts")).toContainText("0 public scores changed");

  // The stuck-jobs page is reachable from the console and the audit trail has the rescore.
  await page.getByRole("link", { name: "Jobs" }).click();
  await expect(page.getByRole("heading", { name: "Stuck and failing jobs" })).toBeVisible();
  await page.goto("/organizer/audit");
  await expect(page.getByTestId("audit-table").locator('[data-action="rescore.batch"]').filter({ hasText: organizer.email })).toHaveCount(
    1,
  );
  await context.close();
});
