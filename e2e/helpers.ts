import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect, type Browser, type Page } from "@playwright/test";

export const PASSWORD = "e2e-password-123";

export function uniqueEmail(prefix: string): string {
  return `${prefix}-${crypto.randomBytes(4).toString("hex")}@e2e.test`;
}

/**
 * The link of the newest mail to an address in the instance's outbox (no SMTP_URL in the e2e
 * run, so every mail is an .eml file under $E2E_DATA_DIR/outbox).
 */
export async function linkFromOutbox(email: string, pathPrefix: string): Promise<string> {
  const dir = path.join(process.env.E2E_DATA_DIR!, "outbox");
  let link = "";
  await expect
    .poll(
      () => {
        const files = fs.existsSync(dir)
          ? fs
              .readdirSync(dir)
              .filter((f) => f.endsWith(".eml"))
              .sort()
              .reverse()
          : [];
        for (const file of files) {
          const raw = fs.readFileSync(path.join(dir, file), "utf8");
          if (!new RegExp(`^To: ${email.replace(/[.+]/g, "\\$&")}$`, "mi").test(raw)) continue;
          const decoded = raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
          const match = decoded.match(new RegExp(`https?://[^\\s"<>]+${pathPrefix}\\?token=[A-Za-z0-9_%-]+`));
          if (match) link = match[0];
          return link;
        }
        return "";
      },
      { timeout: 30_000, message: `a mail to ${email} in ${dir}` },
    )
    .not.toBe("");
  // The mail's links use PUBLIC_URL; the browser goes to the same path on the test server.
  const url = new URL(link);
  return `${url.pathname}${url.search}`;
}

/** Opens the confirmation link of the newest mail to the address and confirms. */
export async function verifyEmailThroughOutbox(page: Page, email: string): Promise<void> {
  await page.goto(await linkFromOutbox(email, "/verify-email"));
  await page.getByRole("button", { name: "Confirm my address" }).click();
  await expect(page.getByTestId("email-verified")).toBeVisible({ timeout: 30_000 });
}

/** Signs in through the sign-in page and waits until the header shows the name. */
export async function signInThroughPage(page: Page, options: { name: string; email: string; callbackUrl?: string }): Promise<void> {
  await page.goto(`/sign-in${options.callbackUrl ? `?callbackUrl=${encodeURIComponent(options.callbackUrl)}` : ""}`);
  await page.getByLabel("E-mail").fill(options.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-as")).toHaveText(options.name, { timeout: 30_000 });
}

/**
 * Creates an account through the sign-up page, confirms the address with the link from the
 * outbox (unless `verify: false`), signs in and waits until the header shows the name.
 */
export async function signUpThroughPage(
  page: Page,
  options: { name: string; email: string; callbackUrl?: string; verify?: boolean },
): Promise<void> {
  await page.goto(`/sign-up${options.callbackUrl ? `?callbackUrl=${encodeURIComponent(options.callbackUrl)}` : ""}`);
  await page.getByLabel("Name on the leaderboard").fill(options.name);
  await page.getByLabel("E-mail").fill(options.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByTestId("sign-up-sent")).toContainText(options.email, { timeout: 30_000 });
  if (options.verify !== false) await verifyEmailThroughOutbox(page, options.email);
  await signInThroughPage(page, options);
}

export function sha256(data: Buffer | string): string {
  return crypto.createHash("sha256").update(data).digest("hex");
}

/**
 * A new participant in a browser context of their own, ready to submit: signed up, address
 * confirmed, terms accepted; the page is on /submit.
 */
export async function participantReadyToSubmit(
  browser: Browser,
  name: string,
  options: { viewport?: { width: number; height: number }; permissions?: string[] } = {},
): Promise<Page> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1440, height: 900 },
    permissions: options.permissions,
  });
  const page = await context.newPage();
  await signUpThroughPage(page, { name, email: uniqueEmail(name.split(" ")[0].toLowerCase()) });
  await page.goto("/terms?next=/submit");
  await page.getByRole("checkbox").check();
  await page.getByRole("button", { name: "Accept the terms" }).click();
  // The path, not the URL: "/terms?next=/submit" itself contains "/submit".
  await page.waitForURL((url) => url.pathname === "/submit");
  return page;
}
