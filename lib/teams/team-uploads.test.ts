/*
 * Uploads of team members, through createSubmission on both engines: each submission carries the
 * team's id, the members share one daily limit (the second member is refused once the team used
 * it, with the quota error), and two members racing for the last slot cannot both get it.
 */
import { beforeAll, beforeEach, expect, it } from "vitest";
import { appError } from "../../test-support/app-error-of";
import {
  clearSubmissions,
  createTestUser,
  ensureOpenTestPhase,
  registerFixtureDataset,
  uploadFixtureCsv,
} from "../../test-support/scoring/scoring-fixture";
import { setUpScoringFixture } from "../../test-support/scoring/set-up-scoring-fixture";
import { describeEachEngine } from "../../test-support/test-db";
import { getSubmissionQuota } from "../submissions/get-submission-quota";
import { acceptTeamInvite } from "./accept-team-invite";
import { createTeam } from "./create-team";
import { createTeamInvite } from "./create-team-invite";

const fixture = setUpScoringFixture({ count: 150 });
const DAILY_LIMIT = 3;

describeEachEngine("team uploads", (t) => {
  const upload = (userId: string) => uploadFixtureCsv({ db: t.db, fixture, userId });

  beforeAll(async () => {
    await registerFixtureDataset({ db: t.db, fixture });
  });
  beforeEach(async () => {
    await clearSubmissions({ db: t.db });
    await ensureOpenTestPhase({ db: t.db, dailyLimit: DAILY_LIMIT });
  });

  const teamOfTwo = async () => {
    const [captain, member] = [await createTestUser({ db: t.db }), await createTestUser({ db: t.db })];
    const team = await createTeam({ db: t.db, userId: captain.id, name: `Uploaders ${captain.id.slice(-6)}` });
    const { link } = await createTeamInvite({ db: t.db, userId: captain.id, teamId: team.id, input: {}, publicUrl: "http://x" });
    await acceptTeamInvite({ db: t.db, userId: member.id, token: link!.split("/").pop()! });
    return { team, captain, member };
  };

  it("stamps each member's upload with the team and counts the team's uploads against one daily limit", async () => {
    const { team, captain, member } = await teamOfTwo();
    const solo = await createTestUser({ db: t.db });
    const first = await upload(captain.id);
    expect(first.submission.teamId).toBe(team.id);
    await upload(member.id);
    const third = await upload(captain.id);
    expect(third.quota).toMatchObject({ limit: DAILY_LIMIT, used: DAILY_LIMIT, remaining: 0 });
    const refused = await appError(upload(member.id));
    expect(refused.code).toBe("quota-exceeded");
    expect(refused.userMessage).toContain(`You have used all ${DAILY_LIMIT} submissions for today`);
    expect(await getSubmissionQuota({ db: t.db, userId: member.id, role: "participant" })).toMatchObject({
      used: DAILY_LIMIT,
      remaining: 0,
    });
    // Someone outside the team still has their own.
    expect((await upload(solo.id)).submission.teamId).toBeNull();
    expect(await t.db.submission.count({ where: { teamId: team.id } })).toBe(DAILY_LIMIT);
  });

  it("two members racing for the team's last slot: exactly one gets it", async () => {
    const { team, captain, member } = await teamOfTwo();
    await upload(captain.id);
    await upload(captain.id);
    const results = await Promise.allSettled([upload(captain.id), upload(member.id)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await t.db.submission.count({ where: { teamId: team.id, countsAgainstQuota: true } })).toBe(DAILY_LIMIT);
  });
});
