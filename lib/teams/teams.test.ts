/*
 * Teams on both engines: the rules (eligibility, names, size cap, deadline, Kaggle's merge rule
 * with its numbers, invitations), what joining and merging do to submissions, quota and final
 * picks, leaving and the organizer's actions, and the invariants under concurrent accepts and
 * merges (size <= cap, one team per person, no member or submission left on a disbanded team).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeEach, expect, it } from "vitest";
import { appError } from "../../test-support/app-error-of";
import { createFixtureDatasetRow, createFixtureSubmission } from "../../test-support/organizer/organizer-fixtures";
import { describeEachEngine } from "../../test-support/test-db";
import { deleteAccount } from "../account/delete-account";
import { hashToken } from "../auth/hash-token";
import type { Db } from "../db/client";
import { buildLeaderboardRows } from "../leaderboard/build-leaderboard-rows";
import { findCompetitorStanding } from "../leaderboard/find-competitor-standing";
import type { CachedSnapshot } from "../leaderboard/get-leaderboard-snapshot";
import { loadLeaderboardSnapshot } from "../leaderboard/load-leaderboard-snapshot";
import { rowOwnerKey } from "../leaderboard/row-owner-key";
import { getSubmissionQuota } from "../submissions/get-submission-quota";
import { selectFinalSubmissions } from "../submissions/select-final-submissions";
import { CURRENT_TERMS } from "../terms/terms-document";
import { acceptTeamInvite } from "./accept-team-invite";
import { createTeam } from "./create-team";
import { createTeamInvite } from "./create-team-invite";
import { disbandTeam } from "./disband-team";
import { getTeam } from "./get-team";
import { leaveTeam } from "./leave-team";
import { listTeams } from "./list-teams";
import { previewTeamInvite } from "./preview-team-invite";
import { removeTeamMember } from "./remove-team-member";
import { revokeTeamInvite } from "./revoke-team-invite";

const DAY = 86_400_000;
const mailDir = fs.mkdtempSync(path.join(os.tmpdir(), "teams-mail-"));
afterAll(() => fs.rmSync(mailDir, { recursive: true, force: true }));
const mailSettings = { from: "test@example.org", dataDir: mailDir };
const PUBLIC_URL = "http://teams.test";

describeEachEngine("teams", (t) => {
  let datasetId: string;
  let phaseId: string;

  const person = async (options: { verified?: boolean; terms?: boolean; status?: string } = {}) => {
    const tag = randomBytes(5).toString("hex");
    const user = await t.db.user.create({
      data: {
        email: `team-${tag}@example.org`,
        name: `Person ${tag}`,
        nameKey: `person ${tag}`,
        emailVerifiedAt: options.verified === false ? null : new Date(),
        status: options.status ?? "active",
      },
    });
    if (options.terms !== false) await t.db.termsAcceptance.create({ data: { userId: user.id, termsVersion: CURRENT_TERMS.version } });
    return user;
  };
  /** The only phase: started `startedDaysAgo` ago, running for 30 days. */
  const setPhase = async (data: {
    startedDaysAgo?: number;
    dailyLimit?: number;
    teamSizeCap?: number;
    maxFinal?: number;
    mergeDeadline?: Date | null;
  }) => {
    await t.db.submission.updateMany({ data: { phaseId: null } });
    await t.db.phase.deleteMany({});
    const startsAt = new Date(Date.now() - (data.startedDaysAgo ?? 0.5) * DAY);
    const phase = await t.db.phase.create({
      data: {
        name: "Main",
        startsAt,
        endsAt: new Date(startsAt.getTime() + 30 * DAY),
        dailyLimit: data.dailyLimit ?? 5,
        teamSizeCap: data.teamSizeCap ?? 5,
        maxFinal: data.maxFinal ?? 2,
        mergeDeadline: data.mergeDeadline ?? null,
      },
    });
    phaseId = phase.id;
    return phase;
  };
  const submit = (userId: string, publicMain = 0.5, extra: { isFinal?: boolean; teamId?: string | null } = {}) =>
    createFixtureSubmission({ db: t.db, userId, datasetId, extra: { phaseId, ...extra } }).then(async (s) => {
      await t.db.score.update({ where: { submissionId: s.id }, data: { publicMain } });
      return s;
    });
  const teamName = () => `Team ${randomBytes(4).toString("hex")}`;
  const linkInvite = async (db: Db, userId: string, teamId: string) => {
    const { link } = await createTeamInvite({ db, userId, teamId, input: {}, publicUrl: PUBLIC_URL });
    return link!.split("/teams/join/")[1];
  };
  const teamOf = (userId: string) => t.db.teamMember.findUnique({ where: { userId } });

  beforeEach(async () => {
    if (!datasetId) datasetId = (await createFixtureDatasetRow({ db: t.db })).id;
    await setPhase({});
  });

  it("creates a team with its creator as captain; names unique under display-name folding, reserved and people's names refused", async () => {
    const alice = await person();
    const bob = await person();
    const name = teamName();
    const team = await createTeam({ db: t.db, userId: alice.id, name: `  ${name}  ` });
    expect(team.name).toBe(name);
    expect(await teamOf(alice.id)).toMatchObject({ teamId: team.id, role: "captain" });
    // Case, width and spacing fold: "team  abcd" is the same name.
    const folded = name.toUpperCase().replace(" ", "   ");
    expect((await appError(createTeam({ db: t.db, userId: bob.id, name: folded }))).userMessage).toContain("already uses this name");
    expect((await appError(createTeam({ db: t.db, userId: bob.id, name: "The Baseline Crew" }))).userMessage).toContain("reserved");
    expect((await appError(createTeam({ db: t.db, userId: bob.id, name: alice.name.toLowerCase() }))).code).toBe("validation");
    expect((await appError(createTeam({ db: t.db, userId: bob.id, name: "x" }))).code).toBe("validation");
    expect((await appError(createTeam({ db: t.db, userId: alice.id, name: teamName() }))).userMessage).toContain("already in the team");
    expect(await t.db.team.count({ where: { createdById: bob.id } })).toBe(0);
  });

  it("requires a confirmed address, the current terms and an active account; solo-only phases and passed deadlines refuse", async () => {
    const unverified = await person({ verified: false });
    const noTerms = await person({ terms: false });
    const banned = await person({ status: "banned" });
    expect((await appError(createTeam({ db: t.db, userId: unverified.id, name: teamName() }))).userMessage).toContain(
      "Confirm your e-mail",
    );
    expect((await appError(createTeam({ db: t.db, userId: noTerms.id, name: teamName() }))).userMessage).toContain("terms");
    expect((await appError(createTeam({ db: t.db, userId: banned.id, name: teamName() }))).userMessage).toContain("banned");
    const ok = await person();
    await setPhase({ teamSizeCap: 1 });
    expect((await appError(createTeam({ db: t.db, userId: ok.id, name: teamName() }))).userMessage).toContain("solo only");
    await setPhase({ mergeDeadline: new Date(Date.now() - 1000) });
    expect((await appError(createTeam({ db: t.db, userId: ok.id, name: teamName() }))).userMessage).toContain("deadline passed");
    expect(await teamOf(ok.id)).toBeNull();
  });

  it("invites by link (only the SHA-256 stored), by e-mail (mailed, only that address accepts), revokes, expires", async () => {
    const captain = await person();
    const team = await createTeam({ db: t.db, userId: captain.id, name: teamName() });
    const token = await linkInvite(t.db, captain.id, team.id);
    const stored = await t.db.teamInvite.findFirstOrThrow({ where: { teamId: team.id } });
    expect(stored.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(stored)).not.toContain(token);

    const outsider = await person();
    expect((await appError(createTeamInvite({ db: t.db, userId: outsider.id, teamId: team.id, input: {} }))).code).toBe("not-found");
    expect((await appError(revokeTeamInvite({ db: t.db, userId: outsider.id, teamId: team.id, inviteId: stored.id }))).code).toBe(
      "not-found",
    );
    await revokeTeamInvite({ db: t.db, userId: captain.id, teamId: team.id, inviteId: stored.id });
    expect((await appError(acceptTeamInvite({ db: t.db, userId: outsider.id, token }))).userMessage).toContain("revoked");
    expect((await appError(acceptTeamInvite({ db: t.db, userId: outsider.id, token: "x".repeat(43) }))).code).toBe("not-found");

    const invited = await person();
    const mailed = await createTeamInvite({
      db: t.db,
      userId: captain.id,
      teamId: team.id,
      input: { email: invited.email.toUpperCase() },
      publicUrl: PUBLIC_URL,
      mailSettings,
    });
    expect(mailed.link).toBeNull();
    expect(mailed.delivery?.via).toBe("outbox");
    const eml = fs.readFileSync((mailed.delivery as { file: string }).file, "utf8");
    const mailedToken = /teams\/join\/([A-Za-z0-9_-]{43})/.exec(eml)![1];
    expect((await appError(acceptTeamInvite({ db: t.db, userId: outsider.id, token: mailedToken }))).code).toBe("forbidden");
    await acceptTeamInvite({ db: t.db, userId: invited.id, token: mailedToken });
    expect((await teamOf(invited.id))?.teamId).toBe(team.id);
    expect((await appError(acceptTeamInvite({ db: t.db, userId: invited.id, token: mailedToken }))).userMessage).toContain(
      "already accepted",
    );

    const late = await linkInvite(t.db, captain.id, team.id);
    await t.db.teamInvite.updateMany({ where: { tokenHash: hashToken(late) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await appError(acceptTeamInvite({ db: t.db, userId: outsider.id, token: late }))).userMessage).toContain("expired");
    expect(await teamOf(outsider.id)).toBeNull();
    expect(
      (await appError(createTeamInvite({ db: t.db, userId: captain.id, teamId: team.id, input: { email: "not an address" } }))).code,
    ).toBe("validation");
  });

  it("a joiner's submissions of the phase become the team's: one shared quota, shared final picks trimmed to maxFinal by public score", async () => {
    await setPhase({ maxFinal: 2, dailyLimit: 10 });
    const captain = await person();
    const joiner = await person();
    const team = await createTeam({ db: t.db, userId: captain.id, name: teamName() });
    const c1 = await submit(captain.id, 0.6, { isFinal: true, teamId: team.id });
    const c2 = await submit(captain.id, 0.7, { isFinal: true, teamId: team.id });
    const j1 = await submit(joiner.id, 0.9, { isFinal: true });
    const j2 = await submit(joiner.id, 0.5, { isFinal: true });
    const beforeOtherPhase = await createFixtureSubmission({
      db: t.db,
      userId: joiner.id,
      datasetId,
      createdAt: new Date(Date.now() - 60 * DAY),
    });

    const token = await linkInvite(t.db, captain.id, team.id);
    const preview = await previewTeamInvite({ db: t.db, userId: joiner.id, token });
    expect(preview).toMatchObject({ ok: true, plan: { kind: "join", size: 2, combinedSubmissions: 4, picksDropped: 2 } });
    const result = await acceptTeamInvite({ db: t.db, userId: joiner.id, token });
    expect(result).toMatchObject({ moved: 2, picksDropped: 2 });
    const rows = await t.db.submission.findMany({ where: { id: { in: [c1.id, c2.id, j1.id, j2.id, beforeOtherPhase.id] } } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect([c1, c2, j1, j2].map((s) => byId.get(s.id)!.teamId)).toEqual([team.id, team.id, team.id, team.id]);
    expect(byId.get(beforeOtherPhase.id)!.teamId).toBeNull();
    // The best two by public score stay picked: 0.9 and 0.7.
    expect([c1, c2, j1, j2].map((s) => byId.get(s.id)!.isFinal)).toEqual([false, true, true, false]);

    // One quota: the captain sees the joiner's submissions of today.
    const quota = await getSubmissionQuota({ db: t.db, userId: captain.id, role: "participant" });
    expect(quota.used).toBe(4);
    // Either member sets the team's picks, among the team's entries.
    const picked = await selectFinalSubmissions({ db: t.db, userId: captain.id, input: { submissionIds: [j2.id] } });
    expect(picked.selected).toEqual([j2.id]);
    expect(await t.db.submission.count({ where: { teamId: team.id, isFinal: true } })).toBe(1);

    const view = await getTeam({ db: t.db, teamId: team.id, viewer: null });
    expect(view.members.map((m) => m.role)).toEqual(["captain", "member"]);
    expect(view.entries).toHaveLength(4);
    expect(view.bestPublic).toBeCloseTo(0.9, 3);
    expect(view.invites).toBeUndefined();
    expect((await getTeam({ db: t.db, teamId: team.id, viewer: { id: joiner.id, role: "participant" } })).viewerIsMember).toBe(true);
  });

  it("the leaderboard ranks a team as one competitor: its best entry, its name, its members; the viewer's standing is the team's", async () => {
    const [c, m, solo] = [await person(), await person(), await person()];
    const team = await createTeam({ db: t.db, userId: c.id, name: teamName() });
    await acceptTeamInvite({ db: t.db, userId: m.id, token: await linkInvite(t.db, c.id, team.id), now: new Date(Date.now() + 1000) });
    await submit(c.id, 0.6, { teamId: team.id });
    await submit(m.id, 0.8, { teamId: team.id });
    await submit(solo.id, 0.7);
    const snapshot = await loadLeaderboardSnapshot({ db: t.db });
    const rows = buildLeaderboardRows({ snapshot, board: "public" }).filter((r) => r.kind === "participant");
    expect(rows.map((r) => [r.rank, r.name, r.members ?? null, r.submissions])).toEqual([
      [1, team.name, [c.name, m.name], 2],
      [2, solo.name, null, 1],
    ]);
    expect(rows[0].metrics.main).toBeCloseTo(0.8, 6);
    expect(rowOwnerKey(rows[0])).toBe(`t:${team.id}`);
    const cached: CachedSnapshot = { snapshot, memo: (_key, make) => make() };
    const query = { board: "public", sort: "rank", dir: "asc" } as const;
    expect(findCompetitorStanding({ cached, query, userId: m.id, teamId: team.id })?.rank).toBe(1);
    expect(findCompetitorStanding({ cached, query, userId: solo.id })?.rank).toBe(2);
  });

  it("enforces the size cap with the numbers", async () => {
    await setPhase({ teamSizeCap: 2 });
    const captain = await person();
    const team = await createTeam({ db: t.db, userId: captain.id, name: teamName() });
    const first = await linkInvite(t.db, captain.id, team.id);
    await acceptTeamInvite({ db: t.db, userId: (await person()).id, token: first });
    expect((await appError(createTeamInvite({ db: t.db, userId: captain.id, teamId: team.id, input: {} }))).userMessage).toBe(
      "The team is full: 2 of 2 members, the cap of this phase.",
    );
    // An invitation made before the cap was lowered is refused at acceptance.
    await setPhase({ teamSizeCap: 5 });
    const second = await linkInvite(t.db, captain.id, team.id);
    await setPhase({ teamSizeCap: 2 });
    const third = await person();
    expect((await appError(acceptTeamInvite({ db: t.db, userId: third.id, token: second }))).userMessage).toBe(
      "Together you would be 3 members; the team size cap of this phase is 2.",
    );
    expect(await teamOf(third.id)).toBeNull();
  });

  it("merges a captain's team into the inviting one, within Kaggle's rule: combined submissions <= daily limit × days elapsed", async () => {
    // Started 1.5 days ago: the second day is in progress, so 2 days x 3 = 6 submissions at most.
    await setPhase({ startedDaysAgo: 1.5, dailyLimit: 3, maxFinal: 1 });
    const [a, b, b2] = [await person(), await person(), await person()];
    const teamA = await createTeam({ db: t.db, userId: a.id, name: teamName() });
    const teamB = await createTeam({ db: t.db, userId: b.id, name: teamName() });
    await acceptTeamInvite({ db: t.db, userId: b2.id, token: await linkInvite(t.db, b.id, teamB.id) });
    for (const score of [0.1, 0.2, 0.3]) await submit(a.id, score, { teamId: teamA.id, isFinal: score === 0.3 });
    for (const score of [0.4, 0.5, 0.6, 0.7]) await submit(b2.id, score, { teamId: teamB.id, isFinal: score === 0.4 });

    const token = await linkInvite(t.db, a.id, teamA.id);
    // A member who is not the captain cannot take their team along.
    expect((await appError(acceptTeamInvite({ db: t.db, userId: b2.id, token }))).userMessage).toContain("only its captain");
    const refused = await appError(acceptTeamInvite({ db: t.db, userId: b.id, token }));
    expect(refused.userMessage).toBe(
      "Together the two teams have made 7 submissions in this phase; a merged team may have made at most 3 per day × 2 days so far = 6. " +
        "So they can no longer merge (the rule keeps merged teams within one team's quota).",
    );
    expect((await teamOf(b.id))?.teamId).toBe(teamB.id);

    // One of B's submissions failed on our side (refunded): 6 count, the merge goes through.
    await t.db.submission.updateMany({ where: { teamId: teamB.id, score: { publicMain: 0.7 } }, data: { countsAgainstQuota: false } });
    const merged = await acceptTeamInvite({ db: t.db, userId: b.id, token });
    expect(merged.plan).toMatchObject({ kind: "merge", size: 3, combinedSubmissions: 6 });
    expect(merged).toMatchObject({ moved: 4, picksDropped: 1 });
    expect(
      (await t.db.teamMember.findMany({ where: { teamId: teamA.id }, orderBy: { joinedAt: "asc" } })).map((m) => m.role).sort(),
    ).toEqual(["captain", "member", "member"]);
    const gone = await t.db.team.findUniqueOrThrow({ where: { id: teamB.id } });
    expect(gone.disbandedAt).not.toBeNull();
    expect(await t.db.submission.count({ where: { teamId: teamB.id } })).toBe(0);
    expect(await t.db.submission.count({ where: { teamId: teamA.id } })).toBe(7);
    // maxFinal 1: the pick with the better public score (0.4 over 0.3) stays.
    const finals = await t.db.submission.findMany({ where: { teamId: teamA.id, isFinal: true }, include: { score: true } });
    expect(finals.map((f) => f.score!.publicMain)).toEqual([0.4]);
    // Its name is free again; it is gone from the public list.
    expect((await listTeams({ db: t.db })).some((x) => x.id === teamB.id)).toBe(false);
    expect((await appError(getTeam({ db: t.db, teamId: teamB.id, viewer: null }))).code).toBe("not-found");
  });

  it("refuses joins and merges after the merge deadline", async () => {
    const captain = await person();
    const team = await createTeam({ db: t.db, userId: captain.id, name: teamName() });
    const token = await linkInvite(t.db, captain.id, team.id);
    await setPhase({ mergeDeadline: new Date(Date.now() - 60_000) });
    const joiner = await person();
    expect((await appError(acceptTeamInvite({ db: t.db, userId: joiner.id, token }))).userMessage).toMatch(
      /^Teams can no longer be formed, joined or merged in the phase "Main": the team deadline passed on .*\d\d:\d\d.* UTC\.$/,
    );
    expect(await teamOf(joiner.id)).toBeNull();
  });

  it("leaving hands the captaincy to the oldest member; the last one out disbands and entries go back to their authors", async () => {
    const [c, m1, m2] = [await person(), await person(), await person()];
    const team = await createTeam({ db: t.db, userId: c.id, name: teamName() });
    await acceptTeamInvite({ db: t.db, userId: m1.id, token: await linkInvite(t.db, c.id, team.id), now: new Date(Date.now() + 1000) });
    await acceptTeamInvite({ db: t.db, userId: m2.id, token: await linkInvite(t.db, c.id, team.id), now: new Date(Date.now() + 2000) });
    const entry = await submit(m2.id, 0.5, { teamId: team.id });
    expect(await leaveTeam({ db: t.db, userId: c.id })).toMatchObject({ newCaptainId: m1.id, disbanded: false });
    expect((await teamOf(m1.id))?.role).toBe("captain");
    expect(await leaveTeam({ db: t.db, userId: m1.id })).toMatchObject({ newCaptainId: m2.id, disbanded: false });
    expect(await leaveTeam({ db: t.db, userId: m2.id })).toMatchObject({ disbanded: true });
    expect((await t.db.team.findUniqueOrThrow({ where: { id: team.id } })).disbandedAt).not.toBeNull();
    expect((await t.db.submission.findUniqueOrThrow({ where: { id: entry.id } })).teamId).toBeNull();
    expect((await appError(leaveTeam({ db: t.db, userId: m2.id }))).userMessage).toBe("You are not in a team.");
  });

  it("deleting one's account leaves the team: the captaincy passes on, the entries stay the team's", async () => {
    const [c, m] = [await person(), await person()];
    const team = await createTeam({ db: t.db, userId: c.id, name: teamName() });
    await acceptTeamInvite({ db: t.db, userId: m.id, token: await linkInvite(t.db, c.id, team.id), now: new Date(Date.now() + 1000) });
    const entry = await submit(c.id, 0.5, { teamId: team.id });
    await deleteAccount({ db: t.db, userId: c.id, confirmation: c.name });
    expect(await teamOf(c.id)).toBeNull();
    expect((await teamOf(m.id))?.role).toBe("captain");
    expect((await t.db.submission.findUniqueOrThrow({ where: { id: entry.id } })).teamId).toBe(team.id);
  });

  it("organizers remove a member and disband a team, each with an audit record", async () => {
    const organizer = { id: (await person()).id, email: "org@example.org" };
    const [c, m] = [await person(), await person()];
    const team = await createTeam({ db: t.db, userId: c.id, name: teamName() });
    await acceptTeamInvite({ db: t.db, userId: m.id, token: await linkInvite(t.db, c.id, team.id) });
    expect(await removeTeamMember({ db: t.db, teamId: team.id, userId: c.id, organizer })).toMatchObject({ newCaptainId: m.id });
    expect((await appError(removeTeamMember({ db: t.db, teamId: team.id, userId: c.id, organizer }))).code).toBe("not-found");
    await linkInvite(t.db, m.id, team.id);
    expect(await disbandTeam({ db: t.db, teamId: team.id, organizer })).toMatchObject({ members: 1 });
    expect(await t.db.teamInvite.count({ where: { teamId: team.id, revokedAt: null, usedAt: null } })).toBe(0);
    expect((await appError(disbandTeam({ db: t.db, teamId: team.id, organizer }))).code).toBe("conflict");
    const audit = await t.db.auditEvent.findMany({ where: { targetId: team.id }, orderBy: { createdAt: "asc" } });
    expect(audit.map((e) => e.action)).toEqual(["team.remove-member", "team.disband"]);
    expect(audit.every((e) => e.actorId === organizer.id)).toBe(true);
  });

  it("concurrent accepts for the last places: exactly as many join as the cap allows", async () => {
    await setPhase({ teamSizeCap: 3 });
    const captain = await person();
    const team = await createTeam({ db: t.db, userId: captain.id, name: teamName() });
    const tokens = await Promise.all([1, 2, 3, 4, 5].map(() => linkInvite(t.db, captain.id, team.id)));
    const joiners = await Promise.all(tokens.map(() => person()));
    const results = await Promise.allSettled(tokens.map((token, i) => acceptTeamInvite({ db: t.db, userId: joiners[i].id, token })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
    for (const r of results) if (r.status === "rejected") expect((r.reason as { code?: string }).code).toBe("conflict");
    expect(await t.db.teamMember.count({ where: { teamId: team.id } })).toBe(3);
    // The same person accepting two teams' invitations at once ends in exactly one.
    const other = await createTeam({ db: t.db, userId: (await person()).id, name: teamName() });
    const otherCaptain = (await t.db.teamMember.findFirstOrThrow({ where: { teamId: other.id } })).userId;
    const solo = await person();
    await setPhase({ teamSizeCap: 5 });
    const both = await Promise.allSettled([
      acceptTeamInvite({ db: t.db, userId: solo.id, token: await linkInvite(t.db, captain.id, team.id) }),
      acceptTeamInvite({ db: t.db, userId: solo.id, token: await linkInvite(t.db, otherCaptain, other.id) }),
    ]);
    expect(both.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await t.db.teamMember.count({ where: { userId: solo.id } })).toBe(1);
    await assertInvariants(t.db, 5);
  });

  it("merges racing each other (A into B, B into A, C into A at once) leave a valid state", async () => {
    await setPhase({ teamSizeCap: 4 });
    const captains = [await person(), await person(), await person()];
    const teams = [];
    for (const c of captains) {
      const team = await createTeam({ db: t.db, userId: c.id, name: teamName() });
      const member = await person();
      await acceptTeamInvite({ db: t.db, userId: member.id, token: await linkInvite(t.db, c.id, team.id) });
      await submit(member.id, Math.random(), { teamId: team.id, isFinal: true });
      teams.push(team);
    }
    const [A, B, C] = teams;
    const [ca, cb, cc] = captains;
    const tokens = {
      aIntoB: await linkInvite(t.db, cb.id, B.id),
      bIntoA: await linkInvite(t.db, ca.id, A.id),
      cIntoA: await linkInvite(t.db, ca.id, A.id),
    };
    const results = await Promise.allSettled([
      acceptTeamInvite({ db: t.db, userId: ca.id, token: tokens.aIntoB }),
      acceptTeamInvite({ db: t.db, userId: cb.id, token: tokens.bIntoA }),
      acceptTeamInvite({ db: t.db, userId: cc.id, token: tokens.cIntoA }),
    ]);
    // Any two of them exclude each other (cap 4 = two teams of 2; a merged team is gone): one wins.
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect((r.reason as { code?: string }).code).toBe("conflict");
    expect(await t.db.team.count({ where: { id: { in: [A.id, B.id, C.id] }, disbandedAt: { not: null } } })).toBe(1);
    await assertInvariants(t.db, 4);
  });
});

/** The invariants every team operation keeps, read straight from the tables. */
async function assertInvariants(db: Db, cap: number): Promise<void> {
  const teams = await db.team.findMany({ include: { members: true } });
  for (const team of teams) {
    expect(team.members.length).toBeLessThanOrEqual(cap);
    if (team.disbandedAt) {
      expect(team.members).toHaveLength(0);
      expect(await db.submission.count({ where: { teamId: team.id } })).toBe(0);
      expect(await db.teamInvite.count({ where: { teamId: team.id, usedAt: null, revokedAt: null } })).toBe(0);
    } else {
      expect(team.members.filter((m) => m.role === "captain")).toHaveLength(1);
    }
  }
  const members = await db.teamMember.findMany({ select: { userId: true } });
  expect(new Set(members.map((m) => m.userId)).size).toBe(members.length);
}
