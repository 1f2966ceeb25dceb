import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { signUpThroughPage, uniqueEmail } from "./helpers";

/*
 * Issue 9 in a real browser: pages hydrate under the nonce CSP (no violation, client components
 * work), and a participant's submission page shows the hidden split's charts as withheld until
 * the reveal, with no confusion matrix in the page.
 */
test("pages hydrate under the nonce CSP; the submission page withholds per-class data before the reveal", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to (execute|load|apply)/i.test(m.text())) violations.push(m.text());
  });
  const bob = { name: `Bob ${Date.now().toString(36)}`, email: uniqueEmail("bob-csp") };
  await signUpThroughPage(page, { ...bob, callbackUrl: "/terms" });

  // The terms form is a server action; the leaderboard is the hand-cached HTML table plus its chart.
  await page.goto("/terms");
  await page.getByRole("checkbox").check();
  await page.getByRole("button", { name: "Accept the terms" }).click();
  await expect(page).toHaveURL(/\/data$/, { timeout: 30_000 });

  const response = await page.goto("/leaderboard");
  const csp = response!.headers()["content-security-policy"];
  expect(csp).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(csp).toMatch(/frame-ancestors 'none'/);
  expect(response!.headers()["x-frame-options"]).toBe("DENY");
  expect(response!.headers()["x-content-type-options"]).toBe("nosniff");
  await expect(page.locator("table").first()).toBeVisible();
  // Hydrated: the recharts chart draws its SVG only in the browser.
  await expect(page.locator(".recharts-surface").first()).toBeVisible({ timeout: 30_000 });

  // A predictions CSV built from the sample submission, uploaded through the form (a client component).
  const sample = (await (await page.request.get("/api/downloads/sample_submission.csv")).text()).trimEnd().split("\n");
  const csv =
    [sample[0], ...sample.slice(1).map((line, i) => `${line.split(",")[0]},${i === 0 ? "male" : "female"},black,wavy`)].join("\n") + "\n";
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tp-e2e-oracle-")), "crafted.csv");
  fs.writeFileSync(file, csv);
  await page.goto("/submit");
  await page.getByLabel("File").setInputFiles(file);
  await page.getByRole("button", { name: "Submit" }).click();
  await page.waitForURL(/\/submissions\/[^/]+$/, { timeout: 60_000 });
  const id = page.url().split("/").pop()!;
  await expect(page.getByTestId("status").first()).toHaveText("scored", { timeout: 120_000 });
  await expect(page.getByTestId("public-main")).toHaveText(/^0\.\d{4}$/);
  await expect(page.getByTestId("recall-withheld")).toHaveCount(3);
  await expect(page.getByTestId("confusion-withheld")).toHaveCount(3);
  await expect(page.getByText("true ↓ / predicted →")).toHaveCount(0);
  // Neither the HTML nor the React payload nor the API carries a confusion matrix or a recall.
  const html = await (await page.request.get(`/submissions/${id}`)).text();
  expect(html).not.toMatch(/confusion\\?"\s*:\s*\[|\\?"recall\\?"/);
  const api = await (await page.request.get(`/api/submissions/${id}`)).json();
  expect(api.submission.publicScores).toMatchObject({ detailWithheld: true });
  expect(JSON.stringify(api)).not.toMatch(/"confusion":\[|"recall"/);
  expect(violations).toEqual([]);
});

test("a router state header Next.js cannot parse is a 400 from our server, not a 500", async ({ request }) => {
  // Next.js hides this header from proxy.ts and throws on a bad one: scripts/serve-web.ts checks it.
  for (const tree of ["not json", encodeURIComponent(JSON.stringify(["", {}, null, null, true])), "%E0%A4%A"]) {
    const res = await request.get("/leaderboard", { headers: { rsc: "1", "next-router-state-tree": tree } });
    expect(res.status(), tree).toBe(400);
    expect(await res.text()).toContain("not a router state");
  }
  const good = encodeURIComponent(JSON.stringify(["", { children: ["leaderboard", { children: ["__PAGE__", {}] }] }]));
  expect((await request.get("/leaderboard", { headers: { rsc: "1", "next-router-state-tree": good } })).status()).toBe(200);
});
