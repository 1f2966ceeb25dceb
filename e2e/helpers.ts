import crypto from "node:crypto";
import { expect, type Page } from "@playwright/test";

export const PASSWORD = "e2e-password-123";

export function uniqueEmail(prefix: string): string {
  return `${prefix}-${crypto.randomBytes(4).toString("hex")}@e2e.test`;
}

/** Creates an account through the sign-up page and waits until the header shows the name. */
export async function signUpThroughPage(page: Page, options: { name: string; email: string; callbackUrl?: string }): Promise<void> {
  await page.goto(`/sign-up${options.callbackUrl ? `?callbackUrl=${encodeURIComponent(options.callbackUrl)}` : ""}`);
  await page.getByLabel("Name on the leaderboard").fill(options.name);
  await page.getByLabel("E-mail").fill(options.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByTestId("signed-in-as")).toHaveText(options.name, { timeout: 30_000 });
}

export function sha256(data: Buffer | string): string {
  return crypto.createHash("sha256").update(data).digest("hex");
}
