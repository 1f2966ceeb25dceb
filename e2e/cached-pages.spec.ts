import { expect, test, type Page, type Response } from "@playwright/test";
import { signUpThroughPage, uniqueEmail } from "./helpers";

// The public pages are answered from a ~1 s cache for visitors without a session
// (lib/http/anonymous-response-cache.ts). A visitor and a signed-in participant look at the same
// leaderboard alternately: the visitor must never get the participant's page (their name in the
// header) and the participant must never get the visitor's. A cached page still runs its scripts:
// its CSP header and its HTML carry the same nonce.

/** Loads the path until an answer comes from the cache (two loads within its second), and returns that answer. */
async function loadCached(page: Page, path: string): Promise<Response> {
  let cached: Response | null = null;
  await expect
    .poll(
      async () => {
        const response = await page.goto(path);
        if (response?.headers()["x-anonymous-cache"] === "hit") cached = response;
        return cached !== null;
      },
      { timeout: 30_000 },
    )
    .toBe(true);
  return cached!;
}

function cspErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy/i.test(message.text())) errors.push(message.text());
  });
  return errors;
}

test("a visitor and a signed-in participant on the cached leaderboard each see only their own view", async ({ browser }) => {
  const visitorContext = await browser.newContext();
  const participantContext = await browser.newContext();
  const visitor = await visitorContext.newPage();
  const participant = await participantContext.newPage();
  const visitorCsp = cspErrors(visitor);
  const name = `Cached View ${Date.now().toString(36)}`;
  const email = uniqueEmail("cached-view");

  // The visitor's page comes from the cache, with one nonce in its header and its scripts.
  const hit = await loadCached(visitor, "/leaderboard");
  const nonce = /'nonce-([^']+)'/.exec(hit.headers()["content-security-policy"] ?? "")?.[1];
  expect(nonce).toBeTruthy();
  expect(await hit.text()).toContain(`nonce="${nonce}"`);
  await expect(visitor.getByRole("heading", { name: "Leaderboard", exact: true })).toBeVisible();
  await expect(visitor.getByRole("link", { name: "Sign in" })).toBeVisible();
  await expect(visitor.getByTestId("signed-in-as")).toHaveCount(0);

  // The participant signs up and opens the same page: rendered for them, never from the cache.
  await signUpThroughPage(participant, { name, email });
  const mine = await participant.goto("/leaderboard");
  expect(mine?.headers()["x-anonymous-cache"]).toBeUndefined();
  await expect(participant.getByTestId("signed-in-as")).toHaveText(name);
  await expect(participant.getByRole("link", { name: "Sign in" })).toHaveCount(0);
  // Reloading right after a visitor's cached answer still shows their own view.
  await loadCached(visitor, "/leaderboard");
  await participant.reload();
  await expect(participant.getByTestId("signed-in-as")).toHaveText(name);
  const challenge = await participant.goto("/");
  expect(challenge?.headers()["x-anonymous-cache"]).toBeUndefined();
  await expect(participant.getByTestId("signed-in-as")).toHaveText(name);

  // Right after the participant's views, the visitor still sees no one's personal data.
  for (const path of ["/leaderboard", "/"]) {
    const response = await loadCached(visitor, path);
    const html = await response.text();
    expect(html).not.toContain(name);
    expect(html).not.toContain(email);
    expect(html).not.toContain("signed-in-as");
    await expect(visitor.getByTestId("signed-in-as")).toHaveCount(0);
    await expect(visitor.getByRole("link", { name: "Sign in" })).toBeVisible();
  }
  // The cached pages' scripts ran under their CSP.
  expect(visitorCsp).toEqual([]);

  await visitorContext.close();
  await participantContext.close();
});
