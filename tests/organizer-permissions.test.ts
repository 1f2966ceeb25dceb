/*
 * One sweep over the permissions of every organizer and team route and action, on both engines.
 *
 * The route files under app/api/organizer and app/api/teams and the "use server" modules under
 * app/organizer and app/teams are FOUND on disk (a route added later is swept without editing
 * this file). Every exported method is called, with plausible bodies and real ids of the fixture,
 * by callers who must be refused: a visitor, a signed-in participant, that participant's API token,
 * an organizer's API token without a session, and banned and suspended participants (their session
 * cookie from before the block, and their API token). The requests go through the REAL session and
 * token code (next/headers is the only stand-in: it hands the request's Cookie header to it).
 *
 * A refused call must answer the documented status (404 for the organizer console, the labels
 * export included; 401/404 for the team routes as docs/teams.md says) and change NOTHING: every
 * table of the schema (row counts and a hash of the rows) and every file under DATA_DIR (uploads,
 * outbox) is compared before and after. The one thing allowed to move is the bookkeeping of the
 * caller's own API token (its per-minute counter and last-used time).
 *
 * So that the sweep can fail, a control makes the same call as someone allowed (an organizer; for
 * team routes the captain, or a participant acting for themselves) on fresh targets, and checks it
 * succeeds and, for every method but GET, changes something.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { closeDb, type Db } from "../lib/db/client";
import { registerDataset } from "../lib/dataset-records/register-dataset";
import { requestCookies } from "../test-support/auth/request-cookies";
import { setUpTestEnv } from "../test-support/env/set-up-test-env";
import {
  exportedMethods,
  fillPattern,
  findRouteFiles,
  findServerActionFiles,
  type HttpMethod,
} from "../test-support/permissions/find-handlers";
import {
  createCallers,
  createTargets,
  createVerifiedUser,
  sessionCookieFor,
  type Caller,
  type Callers,
  type Targets,
} from "../test-support/permissions/permission-fixture";
import { describeChanges, fingerprintState } from "../test-support/permissions/state-fingerprint";
import { setRouteDb } from "../test-support/routes/route-db";
import { setUpScoringFixture } from "../test-support/scoring/set-up-scoring-fixture";
import { describeEachEngine } from "../test-support/test-db";

vi.mock("next/headers", () => import("../test-support/auth/request-cookies"));
// Outside Next.js there is no cache to revalidate; the actions call it after a change.
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));
vi.mock("@/lib/db/client", async (real) => (await import("../test-support/routes/route-db")).withRouteDb(await real<object>()));

type RouteModule = Record<string, unknown>;
type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Action = (state: unknown, form: FormData) => Promise<unknown>;

const AUTH_SECRET = "permission-sweep-secret-0123456789";
const PUBLIC_URL = "http://sweep.test";

// ---------------------------------------------------------------------------------------------
// What each route is sent. Anything not listed gets real ids by its folder and an empty JSON body.
// ---------------------------------------------------------------------------------------------

interface Ctx {
  t: Targets;
  c: Callers;
  phaseId: string;
}

interface RouteSpec {
  query?: string;
  body?: (ctx: Ctx) => unknown;
  params?: (ctx: Ctx) => Record<string, string>;
  /** Several calls of one route (e.g. each CSV export). */
  variants?: { label: string; params?: (ctx: Ctx) => Record<string, string>; query?: string }[];
  /** A POST that only reads (a count): its control need not change anything. */
  readOnly?: boolean;
  /** Team routes: the allowed caller of the control ("fresh": a new participant without a team). */
  controlAs?: "owner" | "teammate" | "fresh";
}

const EXPORTS = ["participants", "acceptances", "downloads", "submissions", "audit"];

const SPECS: Record<string, RouteSpec> = {
  "POST /api/organizer/announcements": {
    body: () => ({ title: "Sweep announcement", body: "Hello from the permission sweep.", sendEmail: true, audience: { kind: "all" } }),
  },
  "POST /api/organizer/announcements/preview": { body: () => ({ audience: { kind: "all" } }), readOnly: true },
  "POST /api/organizer/entry-rules": {
    body: () => ({ allowedDomains: [], blockedDomains: ["sweep.invalid"], invitationOnly: false }),
  },
  "GET /api/organizer/export/[file]": {
    variants: EXPORTS.map((name) => ({ label: `${name}.csv`, params: () => ({ file: `${name}.csv` }) })),
  },
  "POST /api/organizer/invitation-codes": { body: () => ({ label: "sweep", maxUses: 2 }) },
  "POST /api/organizer/participants/[id]/status": { body: () => ({ status: "banned", reason: "Permission sweep" }) },
  "PATCH /api/organizer/phases/[id]": { body: () => ({ dailyLimit: 3 }) },
  "POST /api/organizer/phases": {
    body: () => ({ name: "Sweep extra phase", startsAt: "2090-01-01 00:00:00", endsAt: "2090-01-02 00:00:00", dailyLimit: 5 }),
  },
  "POST /api/organizer/rescore-batches": { body: (ctx) => ({ scope: { phaseId: ctx.phaseId } }) },
  "GET /api/organizer/submissions": { query: "?limit=10" },
  "POST /api/organizer/submissions/[id]/disqualify": { body: () => ({ reason: "Permission sweep" }) },
  "POST /api/organizer/submissions/[id]/reinstate": { params: (ctx) => ({ id: ctx.t.disqualified.id }) },
  "POST /api/organizer/teams/[id]/remove-member": { body: (ctx) => ({ userId: ctx.t.teammate.id }) },
  "POST /api/organizer/verification": { body: (ctx) => ({ submissionId: ctx.t.spare.id }) },
  "POST /api/organizer/verification/[id]/reject": { body: () => ({ reason: "Permission sweep" }) },
  "POST /api/teams": { body: () => ({ name: `Intruders ${Math.random().toString(36).slice(2, 8)}` }), controlAs: "fresh" },
  "POST /api/teams/join": { body: (ctx) => ({ token: ctx.t.invite.token }), controlAs: "fresh" },
  "POST /api/teams/[id]/invites": { body: () => ({}) },
};

/** A real id for a dynamic segment, by the folder it sits in. */
function defaultParam(name: string, parent: string, t: Targets): string {
  if (name === "inviteId") return t.invite.id;
  if (name === "file") return "participants.csv";
  const byFolder: Record<string, string> = {
    submissions: t.submission.id,
    phases: t.emptyPhase.id,
    participants: t.owner.id,
    teams: t.team.id,
    jobs: t.job.id,
    verification: t.verification.id,
    "invitation-codes": t.invitationCode.id,
  };
  return byFolder[parent] ?? t.submission.id;
}

// ---------------------------------------------------------------------------------------------
// The routes and actions, found on disk.
// ---------------------------------------------------------------------------------------------

interface RouteCase {
  key: string;
  label: string;
  pattern: string;
  method: HttpMethod;
  handler: Handler;
  spec: RouteSpec;
  variant?: NonNullable<RouteSpec["variants"]>[number];
  params: { name: string; parent: string }[];
}

async function routeCases(folder: string): Promise<RouteCase[]> {
  const cases: RouteCase[] = [];
  for (const route of findRouteFiles(folder)) {
    const mod = (await import(route.file)) as RouteModule;
    for (const method of exportedMethods(mod)) {
      const key = `${method} ${route.pattern}`;
      const spec = SPECS[key] ?? {};
      for (const variant of spec.variants ?? [undefined]) {
        cases.push({
          key,
          label: variant ? `${key} (${variant.label})` : key,
          pattern: route.pattern,
          method,
          handler: mod[method] as Handler,
          spec,
          variant,
          params: route.params,
        });
      }
    }
  }
  return cases;
}

interface ActionCase {
  label: string;
  file: string;
  name: string;
  action: Action;
}

async function actionCases(folder: string): Promise<ActionCase[]> {
  const cases: ActionCase[] = [];
  for (const file of findServerActionFiles(folder)) {
    const mod = (await import(file)) as RouteModule;
    for (const [name, value] of Object.entries(mod))
      if (typeof value === "function")
        cases.push({ label: `${file.slice(file.indexOf("/app/") + 1)} ${name}`, file, name, action: value as Action });
  }
  return cases;
}

const ORGANIZER_ROUTES = await routeCases("app/api/organizer");
const TEAM_ROUTES = await routeCases("app/api/teams");
const ORGANIZER_ACTIONS = await actionCases("app/organizer");
const TEAM_ACTIONS = await actionCases("app/teams");

/** Team routes a participant uses for themselves (not on someone's team): an outsider may call them. */
const SELF_SERVICE_ROUTES = new Set(["POST /api/teams", "POST /api/teams/join", "POST /api/teams/leave"]);
const SELF_SERVICE_ACTIONS = new Set(["createTeamAction", "acceptInviteAction", "leaveTeamAction"]);

// ---------------------------------------------------------------------------------------------
// Calling them.
// ---------------------------------------------------------------------------------------------

function paramsFor(c: RouteCase, ctx: Ctx, teamOf?: { id: string; inviteId: string }): Record<string, string> {
  const values: Record<string, string> = {};
  for (const p of c.params) values[p.name] = defaultParam(p.name, p.parent, ctx.t);
  // Blocked participants act on their OWN team: the ban, not membership, must stop them.
  if (teamOf && c.pattern.startsWith("/api/teams/")) {
    if ("id" in values) values.id = teamOf.id;
    if ("inviteId" in values) values.inviteId = teamOf.inviteId;
  }
  Object.assign(values, c.spec.params?.(ctx), c.variant?.params?.(ctx));
  return values;
}

async function callRoute(c: RouteCase, caller: Caller, ctx: Ctx, teamOf?: { id: string; inviteId: string }): Promise<Response> {
  requestCookies.header = caller.cookie;
  const headers = new Headers({ "x-forwarded-for": "198.51.100.7" });
  if (caller.cookie) headers.set("cookie", caller.cookie);
  if (caller.authorization) headers.set("authorization", caller.authorization);
  const init: RequestInit = { method: c.method, headers };
  if (c.method !== "GET" && c.method !== "HEAD") {
    headers.set("content-type", "application/json");
    init.body = JSON.stringify(c.spec.body?.(ctx) ?? {});
  }
  const params = paramsFor(c, ctx, teamOf);
  const url = `http://localhost${fillPattern(c.pattern, params)}${c.variant?.query ?? c.spec.query ?? ""}`;
  try {
    return await c.handler(new Request(url, init), { params: Promise.resolve(params) });
  } finally {
    requestCookies.header = "";
  }
}

/** A server action's outcome: what it returned, or the Next.js control flow it threw (redirect, notFound). */
async function callAction(c: ActionCase, caller: Caller, ctx: Ctx): Promise<{ returned?: unknown; thrown?: string }> {
  requestCookies.header = caller.cookie;
  const form = new FormData();
  // Every field the forms send, with the targets' real ids: an action reads those it needs.
  const fields: Record<string, string> = {
    teamId: ctx.t.team.id,
    inviteId: ctx.t.invite.id,
    token: ctx.t.invite.token,
    name: `Intruders ${Math.random().toString(36).slice(2, 8)}`,
    email: "",
    userId: ctx.t.owner.id,
    submissionId: ctx.t.submission.id,
    phaseId: ctx.t.emptyPhase.id,
    reason: "Permission sweep",
    status: "banned",
  };
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  try {
    return { returned: await c.action({}, form) };
  } catch (error) {
    const digest = (error as { digest?: unknown }).digest;
    if (typeof digest === "string" && /^NEXT_(REDIRECT|HTTP_ERROR_FALLBACK)/.test(digest)) return { thrown: digest };
    throw error;
  } finally {
    requestCookies.header = "";
  }
}

// ---------------------------------------------------------------------------------------------

const fixture = setUpScoringFixture({ count: 24 });
const { setTestEnv } = setUpTestEnv();

beforeAll(() => {
  // Routes log organizer actions and mail written to the outbox; keep the output readable.
  vi.spyOn(console, "info").mockImplementation(() => {});
  vi.spyOn(console, "log").mockImplementation(() => {});
  vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterAll(async () => {
  setRouteDb(null);
  await closeDb();
});

describe("the sweep finds what it sweeps", () => {
  it("every organizer and team route file, and the team actions", () => {
    const keys = [...ORGANIZER_ROUTES, ...TEAM_ROUTES].map((c) => c.key);
    // A few known ones, so a broken walker cannot pass with an empty list.
    for (const key of [
      "GET /api/organizer/labels",
      "POST /api/organizer/participants/[id]/status",
      "DELETE /api/organizer/phases/[id]",
      "GET /api/organizer/export/[file]",
      "POST /api/teams/[id]/invites",
      "DELETE /api/teams/[id]/invites/[inviteId]",
    ])
      expect(keys).toContain(key);
    expect(ORGANIZER_ROUTES.length).toBeGreaterThanOrEqual(30);
    expect(TEAM_ACTIONS.map((a) => a.name)).toEqual(
      expect.arrayContaining(["createTeamAction", "inviteAction", "revokeInviteAction", "leaveTeamAction", "acceptInviteAction"]),
    );
    // Every spec names a route that exists (a renamed route must not leave its spec behind unused).
    for (const key of Object.keys(SPECS)) expect(keys, `SPECS["${key}"]`).toContain(key);
  });
});

describeEachEngine("organizer and team permissions", (suite) => {
  let db: Db;
  let callers: Callers;
  let ctx: Ctx;
  let phaseId: string;
  let datasetId: string;
  let nextIndex = 1;
  const folders = () => [fixture.dataDir];
  // The caller's own API token bookkeeping is allowed to move (see the file comment).
  const ignore = {
    columns: { ApiToken: ["lastUsedAt", "lastUsedIp"] },
    rows: { RateLimiterFlexible: (row: Record<string, unknown>) => String(row.key).startsWith("api-token") },
  };
  const snapshot = () => fingerprintState({ db, folders: folders(), ignore });

  beforeAll(async () => {
    db = suite.db;
    setRouteDb(db);
    setTestEnv({
      DATABASE_URL: suite.url,
      DATA_DIR: fixture.dataDir,
      AUTH_SECRET,
      PUBLIC_URL,
      API_TOKEN_REQUESTS_PER_MINUTE: "100000",
      BLOB_STORE: "disk",
    });
    delete process.env.SMTP_URL;
    datasetId = (await registerDataset({ db, manifest: fixture.manifest })).id;
    const day = 86_400_000;
    phaseId = (
      await db.phase.create({
        data: { name: "Running phase", startsAt: new Date(Date.now() - day), endsAt: new Date(Date.now() + day), dailyLimit: 5 },
      })
    ).id;
    callers = await createCallers({ db, secret: AUTH_SECRET, publicUrl: PUBLIC_URL });
    ctx = { t: await fresh(0), c: callers, phaseId };
  });

  function fresh(index = nextIndex++): Promise<Targets> {
    const organizer = { id: callers.organizer.userId, email: callers.organizer.email };
    return createTargets({ db, dataDir: fixture.dataDir, datasetId, phaseId, publicUrl: PUBLIC_URL, organizer, index });
  }

  /**
   * The refused calls of one route or action, between two fingerprints: if anything changed, the
   * failure lists what (tables, files) and how each caller was answered.
   */
  async function expectNothingChanged(label: string, sweep: (answered: (who: string, answer: string) => void) => Promise<void>) {
    const before = await snapshot();
    const answers: string[] = [];
    await sweep((who, answer) => answers.push(`${who}: ${answer}`));
    expect(describeChanges(before, await snapshot()), `${label} changed something (answers: ${answers.join("; ")})`).toEqual([]);
  }

  const refusedCallers = (): Caller[] => [
    callers.visitor,
    callers.participant,
    callers.participantToken,
    callers.organizerToken,
    callers.bannedCookie,
    callers.bannedToken,
    callers.suspendedCookie,
    callers.suspendedToken,
  ];
  const blocked = (caller: Caller) =>
    [callers.bannedCookie, callers.bannedToken, callers.suspendedCookie, callers.suspendedToken].includes(caller as never);

  async function expectNoLeak(res: Response, what: string) {
    const text = await res.text();
    expect(res.status, `${what}: no 5xx`).toBeLessThan(500);
    for (const secret of [ctx.t.owner.email, ctx.t.invite.token]) expect(text, `${what} leaks`).not.toContain(secret);
    return text;
  }

  describe("organizer routes: 404 to everyone but a signed-in organizer, nothing changes", () => {
    it.each(ORGANIZER_ROUTES.map((c) => [c.label, c] as const))("%s", async (_label, c) => {
      await expectNothingChanged(c.label, async (answered) => {
        for (const caller of refusedCallers()) {
          const what = `${c.label} as ${caller.name}`;
          const res = await callRoute(c, caller, ctx);
          answered(caller.name, String(res.status));
          // Only a live session counts: tokens and the blocked accounts' old cookies are visitors here.
          expect(res.status, what).toBe(404);
          await expectNoLeak(res, what);
        }
      });

      // Control: the organizer's same call on fresh targets works (and, unless it only reads, changes something).
      const control = { ...ctx, t: c.method === "GET" ? ctx.t : await fresh() };
      const before = await snapshot();
      const res = await callRoute(c, callers.organizer, control);
      const body = await res.clone().text();
      expect(res.status, `${c.label} as the organizer: ${body.slice(0, 300)}`).toBeGreaterThanOrEqual(200);
      expect(res.status, `${c.label} as the organizer: ${body.slice(0, 300)}`).toBeLessThan(300);
      if (c.method !== "GET" && !c.spec.readOnly)
        expect(describeChanges(before, await snapshot()), `${c.label} as the organizer changed nothing`).not.toEqual([]);
    });
  });

  describe("team routes: 401 without a live session or token, 404 outside the team, nothing changes", () => {
    it.each(TEAM_ROUTES.map((c) => [c.label, c] as const))("%s", async (_label, c) => {
      const selfService = SELF_SERVICE_ROUTES.has(c.key);
      await expectNothingChanged(c.label, async (answered) => {
        for (const caller of refusedCallers()) {
          const outsider = caller === callers.participant || caller === callers.participantToken || caller === callers.organizerToken;
          // Anyone may form a team, accept an invitation they hold or leave their own team.
          if (c.method !== "GET" && selfService && outsider) continue;
          const what = `${c.label} as ${caller.name}`;
          const teamOf = blocked(caller) && caller.userId === callers.bannedCookie.userId ? callers.bannedTeam : undefined;
          const res = await callRoute(c, caller, ctx, teamOf);
          answered(caller.name, String(res.status));
          const text = await expectNoLeak(res, what);
          if (c.method === "GET") {
            // Public reads; a blocked account's token is refused rather than served as a visitor.
            expect([200, 401], what).toContain(res.status);
            if (caller.authorization && blocked(caller) && res.status === 200) expect(c.pattern).toBe("/api/teams");
            // Only members see the open invitations.
            expect(text, `${what} shows the team's invitations`).not.toContain(ctx.t.invite.id);
          } else {
            expect(res.status, `${what}: ${text.slice(0, 200)}`).toBe(outsider ? 404 : 401);
          }
        }
      });
      if (c.method === "GET") return;

      // Control: the captain (or, for the self-service routes, a participant acting for themselves) succeeds.
      const control = { ...ctx, t: await fresh() };
      const as = c.spec.controlAs ?? (c.key === "POST /api/teams/leave" ? "teammate" : "owner");
      const userId =
        as === "fresh"
          ? (await createVerifiedUser({ db, label: "joiner" })).id
          : as === "teammate"
            ? control.t.teammate.id
            : control.t.owner.id;
      const caller: Caller = { name: as, cookie: await sessionCookieFor({ db, userId, secret: AUTH_SECRET }), authorization: null };
      const before = await snapshot();
      const res = await callRoute(c, caller, control);
      const body = await res.clone().text();
      expect(res.status, `${c.label} as ${as}: ${body.slice(0, 300)}`).toBeGreaterThanOrEqual(200);
      expect(res.status, `${c.label} as ${as}: ${body.slice(0, 300)}`).toBeLessThan(300);
      expect(describeChanges(before, await snapshot()), `${c.label} as ${as} changed nothing`).not.toEqual([]);
    });
  });

  describe("server actions: refused or sent to sign-in, nothing changes", () => {
    it.each([...ORGANIZER_ACTIONS, ...TEAM_ACTIONS].map((c) => [c.label, c] as const))("%s", async (_label, c) => {
      const organizerAction = c.file.includes("/app/organizer/");
      await expectNothingChanged(c.label, async (answered) => {
        for (const caller of refusedCallers()) {
          const outsider = caller === callers.participant || caller === callers.participantToken || caller === callers.organizerToken;
          const signedIn = caller === callers.participant;
          if (!organizerAction && SELF_SERVICE_ACTIONS.has(c.name) && signedIn) continue;
          const what = `${c.label} as ${caller.name}`;
          const outcome = await callAction(c, caller, ctx);
          answered(caller.name, outcome.thrown ?? JSON.stringify(outcome.returned));
          if (signedIn || (organizerAction && outsider)) {
            // A participant: an error state, a 404 or a redirect, never success.
            if (outcome.thrown) expect(outcome.thrown, what).toMatch(/^NEXT_(HTTP_ERROR_FALLBACK;404|REDIRECT)/);
            else expect(outcome.returned, what).toMatchObject({ error: expect.any(String) });
            expect(JSON.stringify(outcome.returned ?? {}), what).not.toContain(ctx.t.invite.token);
          } else {
            // No live session (tokens never reach actions, blocked accounts' sessions are gone): sign in first, or 404.
            expect(outcome.thrown, `${what} returned ${JSON.stringify(outcome.returned)}`).toMatch(
              /^NEXT_(REDIRECT;[a-z]+;\/sign-in|HTTP_ERROR_FALLBACK;404)/,
            );
          }
        }
      });
      if (organizerAction) return;

      // Control: the captain (or someone acting for themselves) gets through and something changes.
      const control = { ...ctx, t: await fresh() };
      const fresher = c.name === "createTeamAction" || c.name === "acceptInviteAction";
      const userId = fresher ? (await createVerifiedUser({ db, label: "joiner" })).id : control.t.owner.id;
      const caller: Caller = { name: "allowed", cookie: await sessionCookieFor({ db, userId, secret: AUTH_SECRET }), authorization: null };
      const before = await snapshot();
      const outcome = await callAction(c, caller, control);
      if (outcome.thrown) expect(outcome.thrown, c.label).toMatch(/^NEXT_REDIRECT;[a-z]+;\/teams\//);
      else expect(outcome.returned, c.label).toMatchObject({ ok: expect.any(String) });
      expect(describeChanges(before, await snapshot()), `${c.label} as the allowed user changed nothing`).not.toEqual([]);
    });
  });
});
