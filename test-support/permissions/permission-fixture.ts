import { createHash, randomBytes } from "node:crypto";
import { createApiToken } from "../../lib/auth/create-api-token";
import { createSession } from "../../lib/auth/create-session";
import { encodeSessionCookie, SESSION_COOKIE_NAMES } from "../../lib/auth/read-session-cookie";
import type { Db } from "../../lib/db/client";
import { createInvitationCode } from "../../lib/entry-rules/create-invitation-code";
import { setUserStatus } from "../../lib/organizer/set-user-status";
import { getBlobStore } from "../../lib/storage/get-blob-store";
import { acceptTeamInvite } from "../../lib/teams/accept-team-invite";
import { createTeam } from "../../lib/teams/create-team";
import { createTeamInvite } from "../../lib/teams/create-team-invite";
import { CURRENT_TERMS } from "../../lib/terms/terms-document";

/**
 * Callers and targets for the permission sweeps (tests/organizer-permissions.test.ts): real users
 * with real sessions (a session cookie as the browser holds it) and real personal API tokens, so
 * the requests go through the real session and token code; and targets (a team with a member and
 * an open invitation, submissions with stored files, a winner verification with both files, a
 * failed job, an empty phase, an invitation code) so that a route missing its check would visibly
 * change something.
 */

export interface Caller {
  name: string;
  /** The Cookie header the request carries ("" for none). */
  cookie: string;
  /** The Authorization header, or null. */
  authorization: string | null;
  /** The user behind it, when there is one. */
  userId?: string;
}

const tag = () => randomBytes(5).toString("hex");

export async function createVerifiedUser(options: { db: Db; role?: "participant" | "organizer"; label: string }) {
  const t = tag();
  return options.db.user.create({
    data: {
      email: `${options.label}-${t}@example.test`,
      name: `${options.label} ${t}`,
      nameKey: `${options.label} ${t}`,
      role: options.role ?? "participant",
      emailVerifiedAt: new Date(),
      termsAcceptances: { create: { termsVersion: CURRENT_TERMS.version } },
    },
  });
}

/** A session cookie for the user, as next-auth would set it after sign-in. */
export async function sessionCookieFor(options: { db: Db; userId: string; secret: string }): Promise<string> {
  const sessionToken = await createSession({ db: options.db, userId: options.userId, ip: "203.0.113.9" });
  const value = await encodeSessionCookie({ sessionToken, secret: options.secret });
  return `${SESSION_COOKIE_NAMES[1]}=${value}`;
}

/** A personal API token with every scope, as an Authorization header. */
export async function bearerFor(options: { db: Db; userId: string }): Promise<string> {
  const { token } = await createApiToken({ db: options.db, userId: options.userId, input: { name: "sweep", scopes: ["read", "submit"] } });
  return `Bearer ${token}`;
}

export interface Callers {
  organizer: Caller & { userId: string; email: string };
  visitor: Caller;
  participant: Caller & { userId: string };
  participantToken: Caller;
  organizerToken: Caller;
  /** A banned participant's cookie from before the ban (the ban ended the session) and token (kept, refused). */
  bannedCookie: Caller & { userId: string };
  bannedToken: Caller & { userId: string };
  suspendedCookie: Caller & { userId: string };
  suspendedToken: Caller & { userId: string };
  /** The banned participant's own team and its open invitation (acting on it is refused all the same). */
  bannedTeam: { id: string; inviteId: string };
}

export async function createCallers(options: { db: Db; secret: string; publicUrl: string }): Promise<Callers> {
  const { db, secret } = options;
  const organizerUser = await createVerifiedUser({ db, role: "organizer", label: "organizer" });
  const participantUser = await createVerifiedUser({ db, label: "mallory" });
  const participantCookie = await sessionCookieFor({ db, userId: participantUser.id, secret });
  const participantBearer = await bearerFor({ db, userId: participantUser.id });

  const blocked = async (status: "banned" | "suspended") => {
    const user = await createVerifiedUser({ db, label: status });
    const cookie = await sessionCookieFor({ db, userId: user.id, secret });
    const authorization = await bearerFor({ db, userId: user.id });
    return { user, cookie, authorization };
  };
  const banned = await blocked("banned");
  const suspended = await blocked("suspended");
  // The banned participant captains a team with an open invitation: their own team's routes would
  // work for them if the ban were not honoured.
  const team = await createTeam({ db, userId: banned.user.id, name: `Banned crew ${tag()}` });
  const invite = await createTeamInvite({ db, userId: banned.user.id, teamId: team.id, input: {}, publicUrl: options.publicUrl });
  const organizerRef = { id: organizerUser.id, email: organizerUser.email };
  await setUserStatus({ db, userId: banned.user.id, input: { status: "banned", reason: "Permission sweep" }, organizer: organizerRef });
  await setUserStatus({
    db,
    userId: suspended.user.id,
    input: { status: "suspended", reason: "Permission sweep" },
    organizer: organizerRef,
  });

  return {
    organizer: {
      name: "organizer",
      cookie: await sessionCookieFor({ db, userId: organizerUser.id, secret }),
      authorization: null,
      userId: organizerUser.id,
      email: organizerUser.email,
    },
    visitor: { name: "visitor", cookie: "", authorization: null },
    participant: { name: "participant (session)", cookie: participantCookie, authorization: null, userId: participantUser.id },
    participantToken: { name: "participant (API token)", cookie: "", authorization: participantBearer, userId: participantUser.id },
    organizerToken: {
      name: "organizer (API token, no session)",
      cookie: "",
      authorization: await bearerFor({ db, userId: organizerUser.id }),
      userId: organizerUser.id,
    },
    bannedCookie: { name: "banned participant (old session cookie)", cookie: banned.cookie, authorization: null, userId: banned.user.id },
    bannedToken: { name: "banned participant (API token)", cookie: "", authorization: banned.authorization, userId: banned.user.id },
    suspendedCookie: {
      name: "suspended participant (old session cookie)",
      cookie: suspended.cookie,
      authorization: null,
      userId: suspended.user.id,
    },
    suspendedToken: {
      name: "suspended participant (API token)",
      cookie: "",
      authorization: suspended.authorization,
      userId: suspended.user.id,
    },
    bannedTeam: { id: team.id, inviteId: invite.invite.id },
  };
}

export interface Targets {
  /** A participant who captains `team` (with `teammate`) and owns the submissions. */
  owner: { id: string; email: string };
  teammate: { id: string };
  team: { id: string; name: string };
  /** An open link invitation of `team`, with its token (the last part of the link). */
  invite: { id: string; token: string };
  /** Scored, in `phaseId`, with its uploaded file stored; it has `verification`. */
  submission: { id: string };
  /** Scored, no verification. */
  spare: { id: string };
  /** Disqualified. */
  disqualified: { id: string };
  /** Uploaded code and model, ready for a rerun. */
  verification: { id: string };
  /** A failed scoring job of `submission`. */
  job: { id: string };
  /** A phase without submissions, in the future (editable and deletable). */
  emptyPhase: { id: string };
  invitationCode: { id: string };
}

async function storeBlob(dataDir: string, key: string, text: string) {
  const buffer = Buffer.from(text);
  await getBlobStore({ dataDir, kind: "disk" }).putBlob({ key, buffer, maxBytes: 1024 * 1024 });
  return { size: buffer.length, sha256: createHash("sha256").update(buffer).digest("hex") };
}

/**
 * A fresh set of targets (call it again for the next organizer control, so each control acts on
 * untouched rows). `index` places the empty phase in its own future window (phases of a track
 * must not overlap); `phaseId` is the running phase the submissions belong to.
 */
export async function createTargets(options: {
  db: Db;
  dataDir: string;
  datasetId: string;
  phaseId: string;
  publicUrl: string;
  organizer: { id: string; email: string };
  index: number;
}): Promise<Targets> {
  const { db, dataDir } = options;
  const owner = await createVerifiedUser({ db, label: "owner" });
  const teammate = await createVerifiedUser({ db, label: "teammate" });
  const team = await createTeam({ db, userId: owner.id, name: `Target team ${tag()}` });
  const first = await createTeamInvite({ db, userId: owner.id, teamId: team.id, input: {}, publicUrl: options.publicUrl });
  await acceptTeamInvite({ db, userId: teammate.id, token: first.link!.split("/").pop()! });
  const open = await createTeamInvite({ db, userId: owner.id, teamId: team.id, input: {}, publicUrl: options.publicUrl });

  const submission = async (extra: Record<string, unknown>) => {
    const key = `submissions/sweep/${tag()}/upload`;
    const file = await storeBlob(dataDir, key, "Image_Id,Gender,Hair_Color,Hair_Type\n");
    const row = await db.submission.create({
      data: {
        userId: owner.id,
        teamId: team.id,
        datasetId: options.datasetId,
        phaseId: options.phaseId,
        kind: "csv",
        status: "scored",
        fileKey: key,
        fileName: "predictions.csv",
        fileSize: file.size,
        sha256: file.sha256,
        ...extra,
      },
    });
    await db.score.create({
      data: { submissionId: row.id, publicMain: 0.5, privateMain: 0.4, public: {}, private: {}, durationMs: 5 },
    });
    return { id: row.id };
  };
  const scored = await submission({});
  const spare = await submission({});
  const disqualified = await submission({ disqualifiedAt: new Date(), disqualifiedReason: "Sweep target" });

  const codeKey = `verification/sweep/${tag()}/code`;
  const modelKey = `verification/sweep/${tag()}/model`;
  const code = await storeBlob(dataDir, codeKey, "PK code archive stand-in");
  const model = await storeBlob(dataDir, modelKey, "PK model archive stand-in");
  const verification = await db.winnerVerification.create({
    data: {
      submissionId: scored.id,
      status: "uploaded",
      codeFileKey: codeKey,
      codeFileName: "code.zip",
      codeFileSize: code.size,
      modelFileKey: modelKey,
      modelFileName: "model.zip",
      modelFileSize: model.size,
      uploadedAt: new Date(),
    },
  });
  const job = await db.job.create({
    data: { type: "score-submission", payload: { submissionId: scored.id }, status: "failed", lastError: "system: sweep", attempts: 3 },
  });
  const day = 86_400_000;
  const start = Date.now() + (10 + 2 * options.index) * day;
  const emptyPhase = await db.phase.create({
    data: { name: `Empty ${tag()}`, startsAt: new Date(start), endsAt: new Date(start + day), dailyLimit: 5 },
  });
  const invitationCode = await createInvitationCode({ db, input: { label: "sweep", maxUses: 3 }, organizer: options.organizer });
  return {
    owner: { id: owner.id, email: owner.email },
    teammate: { id: teammate.id },
    team: { id: team.id, name: team.name },
    invite: { id: open.invite.id, token: open.link!.split("/").pop()! },
    submission: scored,
    spare,
    disqualified,
    verification: { id: verification.id },
    job: { id: job.id },
    emptyPhase: { id: emptyPhase.id },
    invitationCode: { id: invitationCode.id },
  };
}
