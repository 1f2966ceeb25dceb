import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { participantReadyToSubmit } from "./helpers";

/*
 * Issue 11, teams: Ann submits, forms a team on her account page and copies the invitation
 * link; Bob opens it, reads what joining does and joins. Both then see one team line on the
 * leaderboard (the team's name, both members, the viewer's own line marked "your team"), and share
 * one daily quota: Bob's submit page counts Ann's submission. "Where you stand" speaks of the team:
 * the leaderboard's banner and Ann's submission page name it and point at its row.
 */

const shot = (page: Page, name: string, info: TestInfo) => page.screenshot({ path: info.outputPath(`${name}.png`), fullPage: true });
const MARKED = "rgb(254, 243, 199)"; // the viewer's row (amber-100), as in where-you-stand.spec.ts

test("two participants form a team through an invitation link and share one leaderboard line and quota", async ({ browser }, info) => {
  test.setTimeout(180_000);
  const suffix = Math.random().toString(36).slice(2, 6);
  const annName = `Ann ${suffix}`;
  const bobName = `Bob ${suffix}`;
  const teamName = `Pixel Pals ${suffix}`;

  const ann = await participantReadyToSubmit(browser, annName, { permissions: ["clipboard-read", "clipboard-write"] });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tp-teams-"));
  const csv = path.join(tmp, "predictions.csv");
  fs.writeFileSync(csv, await (await ann.request.get("/api/downloads/sample_submission.csv")).body());
  await ann.goto("/submit");
  await ann.getByLabel("File").setInputFiles(csv);
  await expect(ann.getByTestId("file-summary")).toBeVisible();
  await ann.getByRole("button", { name: "Submit" }).click();
  await expect(ann.getByTestId("status")).toHaveText("scored", { timeout: 30_000 });
  const annSubmission = new URL(ann.url()).pathname;
  expect(annSubmission).toMatch(/^\/submissions\/[A-Za-z0-9_-]+$/);
  // Solo so far: her own entry.
  await expect(ann.getByTestId("standing")).toContainText("your best entry ranks");

  await ann.goto("/account");
  const section = ann.getByTestId("account-team");
  await section.getByLabel("Team name").fill(teamName);
  await section.getByRole("button", { name: "Form a team" }).click();
  await expect(section.getByTestId("my-team-link")).toHaveText(teamName);
  await section.getByRole("button", { name: "Create an invitation link" }).click();
  const link = (await section.getByTestId("invite-link").textContent())!.trim();
  expect(link).toMatch(/\/teams\/join\/[A-Za-z0-9_-]{43}$/);
  await section.getByRole("button", { name: "Copy" }).click();
  expect(await ann.evaluate(() => navigator.clipboard.readText())).toBe(link);
  await expect(section.getByTestId("pending-invites")).toContainText("Link");
  await shot(ann, "account-team-1440", info);

  const bob = await participantReadyToSubmit(browser, bobName, { viewport: { width: 390, height: 844 } });
  await bob.goto(new URL(link).pathname);
  const preview = bob.getByTestId("invite-preview");
  await expect(preview).toContainText(`${teamName} (${annName}) invites you to join.`);
  await expect(preview).toContainText("The team will have 2 members");
  await shot(bob, "team-join-390", info);
  await bob.getByRole("button", { name: "Join the team" }).click();
  await expect(bob).toHaveURL(/\/teams\/[A-Za-z0-9_-]+\?joined=1$/);
  await expect(bob.getByTestId("team-members")).toContainText(annName);
  await expect(bob.getByTestId("team-members")).toContainText(bobName);
  await expect(bob.getByTestId("team-entries")).toContainText(annName);

  // One shared quota: Ann's submission counts for Bob too.
  await ann.goto("/submit");
  const annQuota = (await ann.getByTestId("quota").locator("strong").textContent())!;
  await bob.goto("/submit");
  await expect(bob.getByTestId("quota").locator("strong")).toHaveText(annQuota);

  for (const [page, name] of [
    [ann, "leaderboard-team-1440"],
    [bob, "leaderboard-team-390"],
  ] as const) {
    const row = page.getByTestId("leaderboard-table").locator("tbody tr").filter({ hasText: teamName });
    // The board may be served from a snapshot up to a few seconds old while a fresh one is
    // built (lib/leaderboard/get-leaderboard-snapshot.ts): reload until the team's line is there.
    await expect(async () => {
      await page.goto("/leaderboard");
      await expect(row).toHaveCount(1, { timeout: 2000 });
    }).toPass({ timeout: 30_000 });
    await expect(row.locator("[data-members]")).toHaveText(`${annName}, ${bobName}`);
    await expect(row.locator("td").first()).toHaveCSS("background-color", MARKED);
    // The mark and the banner speak of the team, and the jump link leads to its row.
    expect(await row.locator(".lb-who").evaluate((el) => getComputedStyle(el, "::after").content)).toBe('"your team"');
    const banner = page.getByTestId("where-you-stand");
    await expect(banner).toContainText(new RegExp(`^Your team ${teamName} is rank \\d+ of \\d+ on the board`));
    await expect(page.getByTestId("jump-to-me")).toHaveText("Jump to my team's row");
    const anchor = (await page.getByTestId("jump-to-me").getAttribute("href"))!.split("#")[1];
    expect(await row.getAttribute("id")).toBe(anchor);
    // Ann's entry is on the team's line, not on a line of her own.
    await expect(
      page
        .getByTestId("leaderboard-table")
        .locator("tbody th")
        .filter({ hasText: new RegExp(`^${annName}$`) }),
    ).toHaveCount(0);
    await shot(page, name, info);
  }

  // Ann's submission page: her entry now stands for the team, and the page says so.
  await ann.goto(annSubmission);
  const standing = ann.getByTestId("standing");
  await expect(standing).toContainText(new RegExp(`your team ${teamName} ranks \\d+ of \\d+ on the board`));
  await expect(standing).toContainText(`(${annName}, ${bobName}) is the team's`);
  await expect(standing).not.toContainText("your best entry");
  await ann.setViewportSize({ width: 1440, height: 900 });
  await shot(ann, "submission-team-1440", info);
  await ann.setViewportSize({ width: 390, height: 844 });
  await shot(ann, "submission-team-390", info);
  await standing.getByRole("link", { name: "See the team's row on the leaderboard" }).click();
  await expect(ann).toHaveURL(/\/leaderboard(\?page=\d+)?#rank-\d+$/);
  const teamRow = ann.getByTestId("leaderboard-table").locator("tbody tr").filter({ hasText: teamName });
  expect(await teamRow.getAttribute("id")).toBe(new URL(ann.url()).hash.slice(1));
  await expect(teamRow.locator("td").first()).toHaveCSS("background-color", MARKED);
  fs.rmSync(tmp, { recursive: true, force: true });
});
