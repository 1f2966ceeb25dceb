import { expect, test } from "@playwright/test";

test.describe("challenge page (visitor)", () => {
  test("shows the task, the dataset statistics and a mosaic of training portraits", async ({ page }, testInfo) => {
    await page.goto("/");
    await expect(page.getByRole("heading", { name: "The Tiny Portraits challenge" })).toBeVisible();
    await expect(page.getByRole("cell", { name: /^Hair colour/ })).toBeVisible();
    await expect(page.getByTestId("dataset-summary")).toContainText("Built-in synthetic portraits");
    await expect(page.getByTestId("dataset-summary")).toContainText("1,500");

    const mosaic = page.getByTestId("mosaic");
    await expect(mosaic).toBeVisible();
    // The image really decoded (a broken image has naturalWidth 0).
    await expect.poll(() => mosaic.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(500);

    await page.screenshot({ path: testInfo.outputPath("challenge-page.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: testInfo.outputPath("challenge-page-phone.png"), fullPage: true });
  });

  test("the mosaic is an image drawn from the train split and is cacheable", async ({ request }) => {
    const res = await request.get("/api/dataset/mosaic");
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toBe("image/webp");
    const body = await res.body();
    expect(body.subarray(8, 12).toString("latin1")).toBe("WEBP");
  });
});
