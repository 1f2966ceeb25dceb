import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, test } from "@playwright/test";
import { signUpThroughPage, uniqueEmail } from "./helpers";

// An organizer adds a second, model-only phase in the console (after the development phase that
// npm start creates), finds it on the challenge page's timeline with its rules, and finds its
// creation in the audit trail. The phase page is then photographed at phone width.
const run = promisify(execFile);
const dataDir = process.env.E2E_DATA_DIR!;

test("an organizer creates a model-only second phase; the timeline shows it and the audit trail records it", async ({ browser }) => {
  test.setTimeout(180_000);
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const organizer = { name: "E2E Phases", email: uniqueEmail("phases") };
  await signUpThroughPage(page, organizer);
  expect((await page.goto("/organizer/phases"))?.status()).toBe(404);
  await run("npx", ["tsx", "cli/users.ts", "promote", organizer.email], { env: { ...process.env, DATA_DIR: dataDir } });

  await page.goto("/organizer");
  await page.getByRole("navigation", { name: "Organizer console" }).getByRole("link", { name: "Phases" }).click();
  await expect(page.getByRole("heading", { name: "Phases", level: 1 })).toBeVisible();
  // The two default phases, one per track (lib/phases/ensure-default-phase.ts).
  await expect(page.getByTestId("phase-item")).toHaveCount(2);
  // The forms are client components: typing before hydration would submit them as plain HTML forms.
  await page.waitForLoadState("networkidle");

  // The form starts where the last phase ends; an end with seconds shows they are kept.
  const form = page.getByTestId("phase-create");
  const startsAt = await form.getByLabel("Starts (UTC)").inputValue();
  expect(startsAt).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  const endsAt = `${startsAt.slice(0, 10)} 23:59:59`.replace(/^(\d{4})/, (y) => String(Number(y) + 1));
  await form.getByLabel("Name").fill("Final (models only)");
  await form.getByLabel("Ends (UTC)").fill(endsAt);
  await form.getByLabel("Daily limit").fill("2");
  await form.getByLabel("Predictions CSV").uncheck();
  await expect(form.getByLabel("Model (run in our sandbox)")).toBeChecked();
  await form.getByLabel("Team size cap").fill("3");
  await form.getByLabel("Description (shown on the challenge page)").fill("Only models: the test images stay on our side.");
  await form.getByRole("button", { name: "Create phase" }).click();
  // The form's live message: "Phase created." or the server's refusal (shown in the failure).
  await expect(form.locator("p[aria-live]")).toHaveText("Phase created.", { timeout: 30_000 });
  const created = page.getByTestId("phase-item").filter({ hasText: "Final (models only)" });
  await expect(created).toHaveCount(1);
  await expect(created.getByLabel("Ends (UTC)")).toHaveValue(endsAt);

  // The challenge page's timeline and its rules for the phase.
  await page.goto("/");
  const timeline = page.getByTestId("phase-timeline");
  const entry = timeline.getByRole("listitem").filter({ hasText: "Final (models only)" });
  await expect(entry).toContainText("upcoming");
  await expect(entry).toContainText(`${endsAt} UTC`);
  await expect(entry.getByTestId("phase-rules")).toContainText("2 submissions per day");
  await expect(entry.getByTestId("phase-rules")).toContainText("models only");
  await expect(entry.getByTestId("phase-rules")).toContainText("teams of up to 3");
  await expect(entry).toContainText("Only models: the test images stay on our side.");

  // The audit trail has the creation, by this organizer, with the settings.
  await page.goto("/organizer/audit?action=phase.create");
  const row = page.getByTestId("audit-row").filter({ hasText: "Final (models only)" });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(organizer.email);
  await expect(row).toContainText("phase.create");

  // The phase editor at phone width, for a look.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/organizer/phases");
  await expect(page.getByTestId("phase-editor").first()).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: test.info().outputPath("organizer-phases-390.png"), fullPage: true });
  await context.close();
});
