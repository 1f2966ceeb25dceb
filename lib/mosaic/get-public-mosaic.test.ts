import fs from "node:fs";
import { beforeAll, beforeEach, expect, it } from "vitest";
import { buildPaths, tensorCachePaths } from "../dataset/layout";
import { CURRENT_TERMS } from "../terms/terms-document";
import { acceptTerms } from "../terms/accept-terms";
import { createTestUser } from "../../test-support/scoring/scoring-fixture";
import { setUpScoringFixture } from "../../test-support/scoring/set-up-scoring-fixture";
import { appError } from "../../test-support/app-error-of";
import { describeEachEngine } from "../../test-support/test-db";
import { canSeeMosaic, getPublicMosaic } from "./get-public-mosaic";
import { renderMosaic } from "./render-mosaic";
import { renderSyntheticMosaic } from "./render-synthetic-mosaic";

const fixture = setUpScoringFixture({ count: 200 });
let trainCache: string;
let trainMosaic: Buffer;
let syntheticMosaic: Buffer;
const setSourceKind = (kind: "real" | "synthetic") => {
  const file = buildPaths(fixture.buildDir).manifest;
  const manifest = JSON.parse(fs.readFileSync(file, "utf8"));
  manifest.source.kind = kind;
  fs.writeFileSync(file, JSON.stringify(manifest));
};

beforeAll(async () => {
  trainCache = tensorCachePaths(buildPaths(fixture.buildDir).cacheDir, "train").pixels;
  trainMosaic = await renderMosaic({ trainCachePath: trainCache, count: fixture.manifest.counts.train, key: fixture.manifest.buildId });
  syntheticMosaic = await renderSyntheticMosaic();
}, 120_000);

describeEachEngine("public mosaic", (t) => {
  const get = (mode: "synthetic" | "after-terms" | "off", userId: string | null) =>
    getPublicMosaic({ db: t.db, dataDir: fixture.dataDir, mode, userId });
  beforeEach(() => setSourceKind("real"));

  it("synthetic (the default): on the real dataset, generated portraits that never come from its images", async () => {
    expect(syntheticMosaic.equals(trainMosaic)).toBe(false);
    const mosaic = await get("synthetic", null);
    expect(mosaic.public).toBe(true);
    expect(mosaic.image.equals(syntheticMosaic)).toBe(true);
    // Drawn by the generator: the same picture with the real training images unreadable.
    const saved = fs.readFileSync(trainCache);
    fs.writeFileSync(trainCache, Buffer.alloc(0));
    try {
      expect((await get("synthetic", null)).image.equals(syntheticMosaic)).toBe(true);
    } finally {
      fs.writeFileSync(trainCache, saved);
    }
    expect(await canSeeMosaic({ db: t.db, mode: "synthetic", userId: null })).toBe(true);
  });

  it("synthetic on the synthetic default dataset: its own training portraits (the same thing)", async () => {
    setSourceKind("synthetic");
    expect((await get("synthetic", null)).image.equals(trainMosaic)).toBe(true);
  });

  it("after-terms: real portraits only for users who accepted the current terms, never for visitors", async () => {
    const user = await createTestUser({ db: t.db });
    // A fresh account that has not accepted the terms (the helper accepts them by default).
    await t.db.termsAcceptance.deleteMany({ where: { userId: user.id } });
    expect((await appError(get("after-terms", null))).code).toBe("unauthorized");
    expect((await appError(get("after-terms", user.id))).code).toBe("forbidden");
    expect(await canSeeMosaic({ db: t.db, mode: "after-terms", userId: null })).toBe(false);
    expect(await canSeeMosaic({ db: t.db, mode: "after-terms", userId: user.id })).toBe(false);
    await acceptTerms({ db: t.db, userId: user.id, version: CURRENT_TERMS.version, ip: "127.0.0.1" });
    const mosaic = await get("after-terms", user.id);
    expect(mosaic).toMatchObject({ public: false });
    expect(mosaic.image.equals(trainMosaic)).toBe(true);
    expect(await canSeeMosaic({ db: t.db, mode: "after-terms", userId: user.id })).toBe(true);
  });

  it("off: no mosaic for anyone", async () => {
    expect((await appError(get("off", null))).code).toBe("not-found");
    expect(await canSeeMosaic({ db: t.db, mode: "off", userId: null })).toBe(false);
  });
});
