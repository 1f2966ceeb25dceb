import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { participantReadyToSubmit } from "./helpers";

/*
 * Issue 11, "where you stand": two participants with the same file (ties go to the earlier one),
 * each sees their own row marked on the leaderboard (never the other's: the table HTML is shared
 * and cached), a visitor sees no mark; the submission page gives rank and gaps; a second upload
 * of the same file is warned about; on a phone the Score stays in view and the column picker
 * remembers its choice; the header fits a phone behind a Menu button.
 */

const shot = (page: Page, name: string, info: TestInfo) => page.screenshot({ path: info.outputPath(`${name}.png`), fullPage: true });
const MARKED = "rgb(254, 243, 199)"; // the viewer's row (amber-100)

async function submitFile(page: Page, file: string): Promise<number> {
  await page.goto("/submit");
  await page.getByLabel("File").setInputFiles(file);
  await expect(page.getByTestId("file-summary")).toBeVisible();
  const started = Date.now();
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page).toHaveURL(/\/submissions\/[A-Za-z0-9_-]+$/, { timeout: 30_000 });
  await expect(page.getByTestId("status")).toHaveText("scored", { timeout: 30_000 });
  return Date.now() - started;
}

async function rowBackground(page: Page, name: string): Promise<string> {
  const row = page.getByTestId("leaderboard-table").locator("tbody tr").filter({ hasText: name });
  return row
    .locator("td")
    .first()
    .evaluate((td) => getComputedStyle(td).backgroundColor);
}

test("each participant sees where they stand, and only their own row marked", async ({ browser }, info) => {
  test.setTimeout(180_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tp-stand-"));
  const suffix = Math.random().toString(36).slice(2, 6);
  const annName = `Ann ${suffix}`;
  const bobName = `Bob ${suffix}`;
  const ann = await participantReadyToSubmit(browser, annName);
  const sample = await ann.request.get("/api/downloads/sample_submission.csv");
  expect(sample.status()).toBe(200);
  const csv = path.join(tmp, "predictions.csv");
  fs.writeFileSync(csv, await sample.body());

  const annMs = await submitFile(ann, csv);
  info.annotations.push({ type: "upload-to-scored-ms", description: String(annMs) });
  // The submission page: rank and gaps (the standing is read fresh, so it is there at once).
  await expect(ann.getByTestId("standing")).toContainText(/ranks \d+ of \d+ participants?/);
  await expect(ann.getByTestId("standing")).toContainText("Baseline:");
  await shot(ann, "submission-1440", info);

  // The same file again: a warning before a slot is spent, and Submit waits for a confirmation.
  await ann.goto("/submit");
  await ann.getByLabel("File").setInputFiles(csv);
  await expect(ann.getByTestId("duplicate-warning")).toContainText("already submitted this exact file");
  await expect(ann.getByRole("button", { name: "Submit" })).toBeDisabled();
  await ann.getByLabel("Submit it again anyway").check();
  await expect(ann.getByRole("button", { name: "Submit" })).toBeEnabled();
  await shot(ann, "submit-duplicate-1440", info);

  const bob = await participantReadyToSubmit(browser, bobName, { viewport: { width: 390, height: 844 } });
  await submitFile(bob, csv); // same score, later: ranks below Ann

  // Ann's board: her row marked, Bob's not, the jump link pointing at her row's anchor.
  await ann.goto("/leaderboard");
  await expect(ann.getByTestId("where-you-stand")).toContainText(/You are rank \d+/);
  const annHref = await ann.getByTestId("jump-to-me").getAttribute("href");
  expect(annHref).toMatch(/#rank-\d+$/);
  expect(await rowBackground(ann, annName)).toBe(MARKED);
  expect(await rowBackground(ann, bobName)).not.toBe(MARKED);
  await shot(ann, "leaderboard-1440", info);

  // Bob's board right after (same snapshot, same cached table HTML): his row, not Ann's.
  await bob.goto("/leaderboard");
  const bobHref = await bob.getByTestId("jump-to-me").getAttribute("href");
  expect(bobHref).not.toBe(annHref);
  expect(await rowBackground(bob, bobName)).toBe(MARKED);
  expect(await rowBackground(bob, annName)).not.toBe(MARKED);
  // A visitor: no marking at all.
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto("/leaderboard");
  await expect(visitor.getByTestId("leaderboard-table")).toContainText(annName);
  await expect(visitor.getByTestId("where-you-stand")).toHaveCount(0);
  expect(await rowBackground(visitor, annName)).not.toBe(MARKED);
  expect(await rowBackground(visitor, bobName)).not.toBe(MARKED);

  // Phone: Rank, Participant and Score in view, other columns behind the picker, remembered.
  const scoreHeader = bob.getByTestId("leaderboard-table").getByRole("columnheader", { name: /Score/ });
  await expect(scoreHeader).toBeInViewport();
  const genderHeader = bob.getByTestId("leaderboard-table").getByRole("columnheader", { name: /Gender F1/ });
  await expect(genderHeader).toBeHidden();
  await shot(bob, "leaderboard-390", info);
  await bob.getByTestId("column-picker").locator("summary").click();
  await bob.getByLabel("Gender F1").check();
  await expect(genderHeader).toBeVisible();
  await bob.reload();
  await expect(bob.getByTestId("leaderboard-table").getByRole("columnheader", { name: /Gender F1/ })).toBeVisible();
  await expect(bob.getByTestId("leaderboard-table").getByRole("columnheader", { name: /Score/ })).toBeInViewport();

  // Phone header: one row with a Menu button; its links are at least 24 px high.
  await expect(bob.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Leaderboard" })).toBeHidden();
  await bob.getByTestId("mobile-menu").locator("summary").click();
  const menuLink = bob.getByTestId("mobile-menu").getByRole("link", { name: "Leaderboard" });
  await expect(menuLink).toBeVisible();
  expect((await menuLink.boundingBox())!.height).toBeGreaterThanOrEqual(24);
  await shot(bob, "header-menu-390", info);
});
