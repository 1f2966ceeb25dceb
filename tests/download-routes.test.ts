/**
 * The two gated routes end to end through their handlers (auth mocked): the status codes and
 * messages an API client sees, and the response headers as the handler builds them.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import type { CurrentUser } from "../lib/auth/get-current-user";
import type { Db } from "../lib/db/client";
import { registerDataset } from "../lib/dataset-records/register-dataset";
import { readHiddenLabels } from "../lib/dataset/read-hidden-labels";
import { acceptTerms } from "../lib/terms/accept-terms";
import { CURRENT_TERMS } from "../lib/terms/terms-document";
import { session } from "../test-support/auth/fake-current-user";
import { describeEachEngine } from "../test-support/test-db";
import { prepareFixtureBuild, type FixtureBuild } from "../test-support/downloads/prepare-fixture-build";

const state = vi.hoisted(() => ({ db: null as Db | null, dataDir: "" }));

vi.mock("@/lib/auth/get-current-user", () => import("../test-support/auth/fake-current-user"));
vi.mock("@/lib/db/client", async (importOriginal) => ({ ...(await importOriginal<object>()), getDb: () => state.db }));
vi.mock("@/lib/env", async (importOriginal) => ({ ...(await importOriginal<object>()), env: () => ({ dataDir: state.dataDir }) }));

const { GET: download, HEAD: downloadHead } = await import("@/app/api/downloads/[name]/route");
const { GET: portrait } = await import("@/app/api/explore/portraits/[index]/route");

let build: FixtureBuild;
beforeAll(async () => {
  build = await prepareFixtureBuild({ count: 40 });
  state.dataDir = build.dataDir;
});
afterAll(() => build?.cleanup());

const get = (name: string, headers: Record<string, string> = {}) =>
  download(new Request(`http://test/api/downloads/${encodeURIComponent(name)}`, { headers }), { params: Promise.resolve({ name }) });
const getPortrait = (index: string) =>
  portrait(new Request(`http://test/api/explore/portraits/${index}`), { params: Promise.resolve({ index }) });

describeEachEngine("download and explorer routes", (t) => {
  let participant: CurrentUser;
  beforeAll(async () => {
    state.db = t.db;
    await registerDataset({ db: t.db, manifest: build.manifest });
    const user = await t.db.user.create({ data: { email: `route-${randomBytes(6).toString("hex")}@example.org`, name: "Route Tester" } });
    participant = { id: user.id, email: user.email, name: user.name, role: "participant" };
  });

  it("401 when signed out, 403 pointing to /terms before accepting, then the file", async () => {
    state.db = t.db;
    session.user = null;
    const anonymous = await get("sample_submission.csv");
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("cache-control")).toBe("no-store");
    expect(await getPortrait("1").then((r) => r.status)).toBe(401);

    session.user = participant;
    const refused = await get("sample_submission.csv");
    expect(refused.status).toBe(403);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("forbidden");
    expect(body.error.message).toContain("/terms");
    expect(await getPortrait("1").then((r) => r.status)).toBe(403);

    await acceptTerms({ db: t.db, userId: participant.id, version: CURRENT_TERMS.version, ip: null });
    const ok = await get("sample_submission.csv", { range: "bytes=0-5" });
    expect(ok.status).toBe(206);
    expect(await ok.text()).toBe("Image_");
    expect(ok.headers.get("content-range")).toMatch(/^bytes 0-5\/\d+$/);

    const head = await downloadHead(new Request("http://test/api/downloads/SHA256SUMS", { method: "HEAD" }), {
      params: Promise.resolve({ name: "SHA256SUMS" }),
    });
    expect(head.status).toBe(200);
    expect(head.headers.get("etag")).toMatch(/^"[0-9a-f]{64}"$/);
  });

  it("404 JSON for unknown and traversal names; hidden labels unreachable", async () => {
    state.db = t.db;
    session.user = participant;
    await acceptTerms({ db: t.db, userId: participant.id, version: CURRENT_TERMS.version, ip: null });
    for (const name of [
      "test-labels.csv",
      "../hidden/test-labels.csv",
      "../../dataset/current/hidden/test-labels.csv",
      "..%2Fhidden%2Ftest-labels.csv",
    ]) {
      const res = await get(name);
      expect(res.status, name).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not-found");
    }
  });

  it("portraits: train images as private WebP, test images 404", async () => {
    state.db = t.db;
    session.user = participant;
    await acceptTerms({ db: t.db, userId: participant.id, version: CURRENT_TERMS.version, ip: null });
    const testIndices = new Set((await readHiddenLabels(build.dataDir)).map((r) => r.Image_Index));
    const train = build.fixture.rows.find((r) => !testIndices.has(r.Image_Index))!;
    const res = await getPortrait(String(train.Image_Index));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/webp");
    expect(res.headers.get("cache-control")).toMatch(/^private/);
    const testIndex = [...testIndices][0];
    expect((await getPortrait(String(testIndex))).status).toBe(404);
  });
});
