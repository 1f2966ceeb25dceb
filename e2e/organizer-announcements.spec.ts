import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test, type Page } from "@playwright/test";
import { formatUtcInput } from "../lib/phases/format-phase-time";
import { PASSWORD, linkFromOutbox, signUpThroughPage, uniqueEmail } from "./helpers";

// An organizer posts an announcement (banner + e-mail) to two participants; one finds it in the
// outbox, follows its unsubscribe link, confirms on the page, and the next announcement reaches
// only the other one. The banner shows at phone width and can be dismissed; the audit trail has both.
const run = promisify(execFile);
const dataDir = process.env.E2E_DATA_DIR!;
const outbox = path.join(dataDir, "outbox");

/** The outbox mails to an address whose subject contains `title`. */
function mailsTo(email: string, title: string): string[] {
  if (!fs.existsSync(outbox)) return [];
  return fs
    .readdirSync(outbox)
    .filter((f) => f.endsWith(".eml"))
    .map((f) => fs.readFileSync(path.join(outbox, f), "utf8"))
    .filter((raw) => new RegExp(`^To: ${email.replace(/[.+]/g, "\\$&")}$`, "mi").test(raw) && raw.includes(title));
}

/** Waits until the console's list shows the newest announcement's e-mail count as `text` (the worker sends in the background). */
async function expectEmailed(page: Page, text: string) {
  await expect
    .poll(async () => (await page.reload(), await page.getByTestId("announcement-emailed").first().textContent()), { timeout: 60_000 })
    .toBe(text);
}

/**
 * Posts an announcement to a list of participants' addresses, once the composer has counted them
 * all and `wouldGet` of them as e-mail recipients (the others unsubscribed).
 */
async function postAnnouncement(page: Page, options: { title: string; body: string; emails: string[]; wouldGet: number }) {
  await page.goto("/organizer/announcements");
  const form = page.getByTestId("announcement-composer");
  await form.getByLabel("Title (the e-mail's subject)").fill(options.title);
  await form.getByLabel("Text (plain text; web addresses become links)").fill(options.body);
  await form.getByLabel("Banner on the site until (UTC, empty: no banner)").fill(formatUtcInput(new Date(Date.now() + 86_400_000)));
  await form.getByLabel("Audience").selectOption("emails");
  await form.getByLabel("E-mail addresses, one per line or separated by commas").fill(options.emails.join(", "));
  await expect(page.getByTestId("recipient-count")).toHaveText(
    `${options.emails.length} participant(s) match; ${options.wouldGet} would get the e-mail (the others unsubscribed).`,
    { timeout: 15_000 },
  );
  page.once("dialog", (dialog) => void dialog.accept());
  await form.getByRole("button", { name: "Post announcement" }).click();
  await expect(page.getByTestId("composer-message")).toContainText("Posted", { timeout: 30_000 });
}

test("an organizer e-mails an announcement; the participant unsubscribes through the link and misses the next one", async ({ browser }) => {
  test.setTimeout(240_000);
  const readerContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const reader = await readerContext.newPage();
  const leaver = { name: "E2E Leaver", email: uniqueEmail("leaver") };
  await signUpThroughPage(reader, leaver);
  const stayerContext = await browser.newContext();
  const stayerPage = await stayerContext.newPage();
  const stayer = { name: "E2E Stayer", email: uniqueEmail("stayer") };
  await signUpThroughPage(stayerPage, stayer);

  const organizerContext = await browser.newContext();
  const page = await organizerContext.newPage();
  const organizer = { name: "E2E Herald", email: uniqueEmail("herald") };
  await signUpThroughPage(page, organizer);
  expect((await page.goto("/organizer/announcements"))?.status()).toBe(404);
  await run("npx", ["tsx", "cli/users.ts", "promote", organizer.email], { env: { ...process.env, DATA_DIR: dataDir } });

  const both = [leaver.email, stayer.email];
  const first = "Phase 2 opens on Monday";
  await postAnnouncement(page, {
    title: first,
    body: "The final phase accepts models only.\n\nRules: https://example.org/rules",
    emails: both,
    wouldGet: 2,
  });
  await expect(page.getByTestId("announcement-row").first()).toContainText(first);
  // The embedded worker sends in the background; the console shows the count once it is done.
  await expectEmailed(page, "2 of 2 sent");

  // The banner, at phone width, for a participant in the audience.
  await reader.goto("/leaderboard");
  const banner = reader.getByTestId("announcement-banner").filter({ hasText: first });
  await expect(banner).toBeVisible();
  await expect(banner.getByRole("link", { name: "https://example.org/rules" })).toBeVisible();
  const box = (await banner.boundingBox())!;
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  await reader.screenshot({ path: test.info().outputPath("announcement-banner-390.png") });
  // A visitor does not see an announcement meant for a list of addresses.
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto("/leaderboard");
  await expect(visitor.getByTestId("announcement-banner")).toHaveCount(0);

  // The mail's List-Unsubscribe address takes POST only: a scanner's GET is refused and changes nothing.
  const oneClick = await linkFromOutbox(leaver.email, "/api/unsubscribe");
  expect((await reader.request.get(oneClick)).status()).toBe(405);
  // The link in the text (the prefix is a regular expression: the page's path, not the API's).
  // Opening it changes nothing until the button is pressed.
  const link = await linkFromOutbox(leaver.email, "(?<!/api)/unsubscribe");
  expect(link).toMatch(/^\/unsubscribe\?token=/);
  await reader.goto(link);
  await expect(reader.getByRole("heading", { name: "Unsubscribe from announcements" })).toBeVisible();
  await reader.goto("/account");
  await expect(reader.getByTestId("announcements-preference")).toContainText("You receive the organizers' announcements by e-mail");
  await reader.goto(link);
  await reader.getByRole("button", { name: "Unsubscribe" }).click();
  await expect(reader.getByTestId("unsubscribed")).toContainText("You are unsubscribed");
  await reader.goto("/account");
  await expect(reader.getByTestId("announcements-preference")).toContainText("You unsubscribed");
  await expect(reader.getByTestId("announcements-form").getByRole("button", { name: "Subscribe again" })).toBeVisible();

  // The next announcement reaches the other participant only.
  const second = "Final leaderboard published";
  await postAnnouncement(page, { title: second, body: "Thank you all.", emails: both, wouldGet: 1 });
  await expectEmailed(page, "1 of 1 sent");
  expect(mailsTo(stayer.email, second)).toHaveLength(1);
  expect(mailsTo(leaver.email, second)).toHaveLength(0);
  expect(mailsTo(leaver.email, first)).toHaveLength(1);

  // Dismissing a banner is remembered in this browser.
  await reader.goto("/");
  const latest = reader.getByTestId("announcement-banner").filter({ hasText: second });
  await expect(latest).toBeVisible();
  await latest.getByRole("button", { name: "Dismiss this announcement" }).click();
  await expect(latest).toHaveCount(0);
  await reader.reload();
  await expect(reader.getByTestId("announcement-banner").filter({ hasText: first })).toBeVisible();
  await expect(reader.getByTestId("announcement-banner").filter({ hasText: second })).toHaveCount(0);

  // Both announcements are in the audit trail.
  await page.goto("/organizer/audit");
  const audit = page.getByTestId("audit-table");
  await expect(audit.locator('[data-action="announcement.create"]').filter({ hasText: organizer.email })).toHaveCount(2);
  await expect(audit.locator('[data-action="announcement.create"]').filter({ hasText: second })).toHaveCount(1);
});

test("an organizer makes sign-up invitation-only; a code admits one person, then is used up", async ({ browser }) => {
  test.setTimeout(180_000);
  const page = await (await browser.newContext()).newPage();
  const organizer = { name: "E2E Gatekeeper", email: uniqueEmail("gate") };
  await signUpThroughPage(page, organizer);
  await run("npx", ["tsx", "cli/users.ts", "promote", organizer.email], { env: { ...process.env, DATA_DIR: dataDir } });
  await page.goto("/organizer/entry-rules");
  const rules = page.getByTestId("entry-rules-form");
  await rules.getByLabel("Invitation only: sign-up needs an invitation code").check();
  await rules.getByRole("button", { name: "Save entry rules" }).click();
  await expect(rules).toContainText("Saved.", { timeout: 30_000 });
  const codeForm = page.getByTestId("invitation-code-form");
  await codeForm.getByLabel("Label (for you)").fill("one guest");
  await codeForm.getByRole("button", { name: "Create a code" }).click();
  const code = (await page.getByTestId("new-invitation-code").textContent({ timeout: 30_000 }))!.trim();
  await expect(page.getByTestId("invitation-code-row").filter({ hasText: "one guest" })).toContainText("0 / 1");

  const guest = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  const signUp = async (email: string, invitation: string) => {
    await guest.goto("/sign-up");
    await guest.getByLabel("Name on the leaderboard").fill(`Guest ${email.slice(6, 14)}`);
    await guest.getByLabel("E-mail").fill(email);
    await guest.getByLabel("Password").fill(PASSWORD);
    await guest.getByLabel("Invitation code").fill(invitation);
    await guest.getByRole("button", { name: "Create account" }).click();
  };
  const first = uniqueEmail("guest");
  await signUp(first, "WRONG-CODE-0000-0000");
  await expect(guest.getByText("This is not a valid invitation code. Check it for typos.")).toBeVisible({ timeout: 30_000 });
  await signUp(first, code.toLowerCase());
  await expect(guest.getByTestId("sign-up-sent")).toContainText(first, { timeout: 30_000 });
  await signUp(uniqueEmail("guest"), code);
  await expect(guest.getByText("This invitation code has already been used as often as it allows.")).toBeVisible({ timeout: 30_000 });

  await page.reload();
  await expect(page.getByTestId("invitation-code-row").filter({ hasText: "one guest" })).toContainText("used up");
  await page.getByTestId("entry-rules-form").getByLabel("Invitation only: sign-up needs an invitation code").uncheck();
  await page.getByTestId("entry-rules-form").getByRole("button", { name: "Save entry rules" }).click();
  await expect(page.getByTestId("entry-rules-form")).toContainText("Saved.", { timeout: 30_000 });
  await page.goto("/organizer/audit");
  await expect(page.getByTestId("audit-table").locator('[data-action="entry-rules.update"]')).toHaveCount(2);
  await expect(page.getByTestId("audit-table").locator('[data-action="invitation-code.create"]')).toHaveCount(1);
});
