import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { signUpThroughPage, uniqueEmail, verifyEmailThroughOutbox } from "./helpers";

// The hidden test labels live under DATA_DIR/dataset/builds/<id>/hidden/. No URL may serve them,
// whoever asks, except the organizers' labels export.
const dataDir = process.env.E2E_DATA_DIR!;

function hiddenRows(): string[] {
  const file = path.join(dataDir, "dataset", "current", "hidden", "test-labels.csv");
  // Data rows only (the header resembles the public sample submission's), e.g. "tp-xxx,public,male,...".
  return fs.readFileSync(file, "utf8").trim().split("\n").slice(1, 6);
}

const PROBES = [
  "/api/downloads/test-labels.csv",
  "/api/downloads/hidden%2Ftest-labels.csv",
  "/api/downloads/..%2Fhidden%2Ftest-labels.csv",
  "/api/downloads/%2E%2E%2F%2E%2E%2Fhidden%2Ftest-labels.csv",
  "/api/downloads/....%2F%2Fhidden%2Ftest-labels.csv",
  "/api/downloads/%252E%252E%252Fhidden%252Ftest-labels.csv",
  "/hidden/test-labels.csv",
  "/dataset/current/hidden/test-labels.csv",
  "/data/dataset/current/hidden/test-labels.csv",
  "/_next/static/..%2F..%2Fdata%2Fdataset%2Fcurrent%2Fhidden%2Ftest-labels.csv",
  "/api/explore/portraits/..%2F..%2Fhidden%2Ftest-labels.csv",
  "/api/leaderboard?board=private",
  "/api/organizer/labels",
];

test("no URL serves the hidden labels to a visitor or a participant who accepted the terms", async ({ page, request }) => {
  const rows = hiddenRows();
  expect(rows.length).toBeGreaterThan(0);
  const check = async (get: (url: string) => Promise<{ status(): number; text(): Promise<string> }>, who: string) => {
    for (const url of PROBES) {
      const res = await get(url);
      const body = await res.text();
      for (const row of rows) expect(body, `${who} ${url} (${res.status()})`).not.toContain(row);
    }
  };
  await check((url) => request.get(url), "visitor");

  await signUpThroughPage(page, { name: "E2E Prober", email: uniqueEmail("prober"), callbackUrl: "/terms?next=/data" });
  await page.getByRole("checkbox").check();
  await page.getByRole("button", { name: "Accept the terms" }).click();
  await expect(page).toHaveURL(/\/data$/, { timeout: 30_000 });
  expect((await page.request.get("/api/downloads/sample_submission.csv")).status()).toBe(200);
  await check((url) => page.request.get(url), "participant");
});

test("the organizers' export is the one place the labels come from, for a proved ORGANIZER_EMAILS address only", async ({ page }) => {
  // Signing up with the listed address is not enough: until the mailbox's owner confirms it,
  // the account is a participant (the break: anyone could claim the organizer role this way).
  await signUpThroughPage(page, { name: "E2E Boss", email: `organizer@e2e.test`, verify: false });
  expect((await page.request.get("/api/organizer/labels")).status()).toBe(404);
  expect((await page.goto("/organizer"))?.status()).toBe(404);
  await verifyEmailThroughOutbox(page, "organizer@e2e.test");
  await page.goto("/");
  await expect(page.getByRole("link", { name: "Organizer" })).toBeVisible();
  const res = await page.request.get("/api/organizer/labels");
  expect(res.status()).toBe(200);
  const body = await res.text();
  // The export drops the Image_Index column (the CelebA leak), so compare the first five fields.
  for (const row of hiddenRows()) expect(body).toContain(row.split(",").slice(0, 5).join(","));
  await page.goto("/organizer");
  await expect(page.getByTestId("organizer-stats")).toBeVisible();
});
