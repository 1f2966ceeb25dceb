import { beforeEach, expect, it } from "vitest";
import { describeEachEngine } from "../../test-support/test-db";
import { listGenerationPhaseNetworks } from "./list-generation-phase-networks";

const NOW = new Date("2026-06-15T12:00:00Z");
const H = 3600_000;
const sha = (c: string) => c.repeat(64);

describeEachEngine("listGenerationPhaseNetworks", (t) => {
  beforeEach(async () => {
    await t.db.phase.deleteMany();
    await t.db.featureNetwork.deleteMany();
  });

  it("shows each generation phase's pinned network, else the newest registered, and skips other tracks", async () => {
    for (const [s, at] of [
      ["a", 1],
      ["b", 2],
    ] as const)
      await t.db.featureNetwork.create({
        data: {
          sha256: sha(s),
          fileKey: s,
          sizeBytes: 1,
          datasetId: "d1",
          dimensions: 64,
          metrics: {},
          createdAt: new Date(NOW.getTime() + at * H),
        },
      });
    const window = { startsAt: new Date(NOW.getTime() - H), endsAt: new Date(NOW.getTime() + H), dailyLimit: 1 };
    await t.db.phase.create({ data: { id: "attr", name: "A", ...window } });
    await t.db.phase.create({
      data: { id: "g1", name: "Pinned", track: "generation", settings: { featureNetworkSha256: sha("a"), sampleCount: 2000 }, ...window },
    });
    await t.db.phase.create({
      data: {
        id: "g2",
        name: "Unpinned",
        track: "generation",
        ...window,
        startsAt: new Date(NOW.getTime() + 2 * H),
        endsAt: new Date(NOW.getTime() + 3 * H),
      },
    });
    await t.db.phase.create({
      data: {
        id: "g3",
        name: "Broken",
        track: "generation",
        settings: { sampleCount: 3 },
        ...window,
        startsAt: new Date(NOW.getTime() + 4 * H),
        endsAt: new Date(NOW.getTime() + 5 * H),
      },
    });
    const list = await listGenerationPhaseNetworks({ db: t.db, now: NOW });
    expect(list.map((p) => [p.id, p.status, p.sampleCount, p.featureNetwork?.sha256 ?? null, p.featureNetwork?.pinned ?? null])).toEqual([
      ["g1", "running", 2000, sha("a"), true],
      ["g2", "upcoming", 10_000, sha("b"), false],
      ["g3", "upcoming", 0, null, null],
    ]);
  });
});
