import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { registerDataset } from "../dataset-records/register-dataset";
import { listDatasetFiles } from "../downloads/list-dataset-files";
import { serveDatasetFile } from "../downloads/serve-dataset-file";
import { acceptTerms } from "../terms/accept-terms";
import { CURRENT_TERMS } from "../terms/terms-document";
import { appError } from "../../test-support/app-error-of";
import { prepareFixtureBuild, type FixtureBuild } from "../../test-support/downloads/prepare-fixture-build";
import { describeEachEngine } from "../../test-support/test-db";

let build: FixtureBuild;
beforeAll(async () => {
  build = await prepareFixtureBuild({ count: 40 });
});
afterAll(() => build?.cleanup());

describeEachEngine("test images during a model-only phase", (t) => {
  it("are neither listed nor served while a model-only phase runs; other files and other phases are unaffected", async () => {
    await registerDataset({ db: t.db, manifest: build.manifest });
    const user = await t.db.user.create({ data: { email: `mo-${randomBytes(6).toString("hex")}@example.org`, name: "Downloader" } });
    await acceptTerms({ db: t.db, userId: user.id, version: CURRENT_TERMS.version, ip: null });
    const serve = (name: string) =>
      serveDatasetFile({ db: t.db, dataDir: build.dataDir, userId: user.id, name, method: "HEAD", headers: new Headers() });
    const files = (await listDatasetFiles({ db: t.db }))!.files;
    const testArchive = files.find((f) => f.kind === "test-archive")!.name;
    const trainArchive = files.find((f) => f.kind === "train-archive")!.name;

    const now = Date.now();
    const phase = await t.db.phase.create({
      data: { name: "Final", startsAt: new Date(now - 60_000), endsAt: new Date(now + 3_600_000), dailyLimit: 2, acceptedKinds: "model" },
    });
    expect((await listDatasetFiles({ db: t.db }))!.files.map((f) => f.kind)).not.toContain("test-archive");
    const refused = await appError(serve(testArchive));
    expect(refused.code).toBe("forbidden");
    expect(refused.userMessage).toContain('during "Final": this phase accepts only models');
    expect((await serve(trainArchive)).status).toBe(200);

    await t.db.phase.update({ where: { id: phase.id }, data: { acceptedKinds: "csv,model" } });
    expect((await listDatasetFiles({ db: t.db }))!.files.map((f) => f.kind)).toContain("test-archive");
    expect((await serve(testArchive)).status).toBe(200);
  });
});
