import { Prisma, type Db } from "../db/client";
import type { Engine } from "../db/engine";
import { engineOfDb } from "../db/engine-of-db";
import { METRIC_KEYS, type LeaderboardMetrics, type MetricKey } from "./leaderboard-columns";
import { computeScoreSeries, DEFAULT_SERIES_PARTICIPANTS, type ScoreSeries } from "./compute-score-series";
import { resolvePhaseState, type PhaseState } from "./resolve-phase-state";
import { SCORE_POLICY_SELECT, scorePolicyAt } from "../phases/score-policy";
import { applyScorePolicy, applyScorePolicyToSeriesEntries, type PublicEntry } from "./apply-score-policy";
import type { Competitor, RankedEntry } from "./types";
import { AppError } from "../errors/app-error";
import { pickCurrentPhase } from "../phases/get-current-phase";
import { DEFAULT_TRACK } from "../phases/phase-input";
import { phaseStatusAt, type PhaseStatus } from "../phases/phase-status";

/**
 * Everything the boards of the current dataset in one phase are computed from, read in one go:
 * the phase's own submissions (Submission.phaseId, set at upload) and the baselines of its track
 * (phaseId null), which stand on every phase of the track.
 *
 * Cost (the board must hold 200 requests/s with 20,000 submissions): the database picks each
 * competitor's ranked entries with window functions (ROW_NUMBER per competitor; both engines
 * have them) and pulls the shown metrics out of the Score Json with its own JSON functions, so
 * about one row per competitor crosses into JavaScript instead of 20,000 rows of Json blobs
 * (Prisma materialises rows slowly: reading 20,000 flat rows alone took ~200 ms here). The
 * result is cached by getLeaderboardSnapshot.
 *
 * Which entry ranks (the rules of docs/challenge.md, in SQL):
 * - public: the best publicMain; ties to the earlier submission, then the id (a total order);
 * - 24 h ago: the same among submissions created before the cutoff (for the rank change);
 * - private: among the participant's final selections (at most maxFinal of them; if more are
 *   flagged because the limit was lowered, the best by public score), or if they selected
 *   none their best maxFinal by public score, the best privateMain; same tie rules.
 * Only scored, not disqualified submissions of active accounts on the current dataset count. Organizers' own
 * entries that are not baselines are platform checks, not competitors; baselines are keyed by
 * their Baseline row whoever submitted them.
 *
 * Secrecy: before the reveal the private query does not run, so no private number exists in
 * the web process to leak through a page, the API or a bug in a later step.
 */
export interface LeaderboardSnapshot {
  datasetId: string | null;
  /** The phase this board is of (phaseState.phase), and whether its private scores may be shown. */
  phaseState: PhaseState;
  /** Every phase, earliest first, for the board's phase selector. */
  phases: LeaderboardPhase[];
  competitors: Competitor[];
  series: ScoreSeries;
  /** Winner verification status by submission id (lib/verification), for the badge beside a ranked entry. */
  verifications: Record<string, string>;
  /** The rank change compares with the board as it stood at this time (generatedAt - 24 h). */
  rankChangeCutoff: Date;
  generatedAt: Date;
}

export interface LoadLeaderboardSnapshotOptions {
  db: Db;
  now?: Date;
  /** The phase whose board to load; absent: the current phase (pickCurrentPhase). Unknown: not-found. */
  phaseId?: string;
}

export interface LeaderboardPhase {
  id: string;
  name: string;
  track: string;
  status: PhaseStatus;
  isCurrent: boolean;
}

export const RANK_CHANGE_WINDOW_MS = 24 * 60 * 60 * 1000;

// Where each metric lives in Score.public / Score.private (lib/metrics/types.ts SplitScores).
const METRIC_PATHS: Record<Exclude<MetricKey, "main">, string[]> = {
  genderF1: ["attributes", "Gender", "macroF1"],
  hairColorF1: ["attributes", "Hair_Color", "macroF1"],
  hairTypeF1: ["attributes", "Hair_Type", "macroF1"],
  genderAccuracy: ["attributes", "Gender", "accuracy"],
  hairColorAccuracy: ["attributes", "Hair_Color", "accuracy"],
  hairTypeAccuracy: ["attributes", "Hair_Type", "accuracy"],
  hairColorF1Female: ["fairness", "hairColorMacroF1Female"],
  hairColorF1Male: ["fairness", "hairColorMacroF1Male"],
  fairnessGap: ["fairness", "gap"],
};

/** `column.path` as a float (NULL when absent or JSON null), in the engine's JSON dialect. Paths are constants above. */
function jsonNumber(engine: Engine, column: string, path: string[]): Prisma.Sql {
  if (engine === "sqlite") return Prisma.raw(`json_extract(${column}, '$.${path.join(".")}')`);
  const [last, ...rest] = [...path].reverse();
  const chain = rest
    .reverse()
    .map((p) => `->'${p}'`)
    .join("");
  return Prisma.raw(`(${column}${chain}->>'${last}')::float8`);
}

function metricColumns(engine: Engine, column: string): Prisma.Sql {
  return Prisma.join(
    Object.entries(METRIC_PATHS).map(([key, path]) => Prisma.sql`${jsonNumber(engine, column, path)} AS ${Prisma.raw(`"m_${key}"`)}`),
    ", ",
  );
}

// A team is one competitor (lib/teams): its members' entries carry its id.
const KEY = Prisma.raw(
  `CASE WHEN s."baselineId" IS NOT NULL THEN 'b:' || s."baselineId" WHEN s."teamId" IS NOT NULL THEN 't:' || s."teamId" ELSE 'u:' || s."userId" END`,
);
/** The same key in JavaScript. */
const ownerKey = (r: { baselineId: string | null; teamId: string | null; userId: string }) =>
  r.baselineId !== null ? `b:${r.baselineId}` : r.teamId !== null ? `t:${r.teamId}` : `u:${r.userId}`;
const BY_PUBLIC = Prisma.raw(`sc."publicMain" DESC, s."createdAt" ASC, s."id" ASC`);

interface BestRow {
  key: string;
  id: string;
  userId: string;
  baselineId: string | null;
  teamId: string | null;
  teamName: string | null;
  createdAt: Date | string;
  main: number;
  publicMain: number;
  name: string | null;
  role: string | null;
  title: string | null;
  [metric: `m_${string}`]: number | null;
}

export async function loadLeaderboardSnapshot(options: LoadLeaderboardSnapshotOptions): Promise<LeaderboardSnapshot> {
  const { db } = options;
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - RANK_CHANGE_WINDOW_MS);
  const [dataset, allPhases] = await Promise.all([
    db.dataset.findFirst({ where: { isCurrent: true }, select: { id: true } }),
    db.phase.findMany({
      select: { id: true, name: true, maxFinal: true, track: true, ...SCORE_POLICY_SELECT },
      orderBy: { startsAt: "asc" },
    }),
  ]);
  // The default board is the main track's (every track now has a running phase of its own, and
  // the tie between phases opened at the same instant must not hand the board to another track).
  const current =
    pickCurrentPhase({ phases: allPhases.filter((p) => p.track === DEFAULT_TRACK), now }) ?? pickCurrentPhase({ phases: allPhases, now });
  const chosen = options.phaseId === undefined ? current : allPhases.find((p) => p.id === options.phaseId);
  if (chosen === undefined) {
    throw new AppError("not-found", { user: "This phase does not exist.", internal: `leaderboard of phase ${options.phaseId}` });
  }
  const phases: LeaderboardPhase[] = allPhases.map((p) => ({
    id: p.id,
    name: p.name,
    track: p.track,
    status: phaseStatusAt({ phase: p, now }),
    isCurrent: p.id === current?.id,
  }));
  // Everything below is about the chosen phase only: its reveal, its score policy, its entries.
  const boardPhases = chosen ? [chosen] : [];
  const phaseState = resolvePhaseState({ phases: boardPhases, now });
  // Participants see public scores rounded or laddered until the reveal (lib/phases/score-policy.ts).
  const policy = scorePolicyAt({ phases: boardPhases, now });
  const revealed = phaseState.privateRevealed;
  const emptySeries: ScoreSeries = { participants: [], baselines: [], start: now.getTime(), end: now.getTime() };
  if (!dataset)
    return {
      datasetId: null,
      phaseState,
      phases,
      competitors: [],
      series: emptySeries,
      verifications: {},
      rankChangeCutoff: cutoff,
      generatedAt: now,
    };
  // The phase's own entries, and the baselines (phaseId null) of its track, which stand on every phase of it.
  const inPhase = chosen
    ? Prisma.sql`AND (s."phaseId" = ${chosen.id} OR (s."phaseId" IS NULL AND s."baselineId" IS NOT NULL AND s."track" = ${chosen.track}))`
    : Prisma.empty;
  const inPhaseWhere: Prisma.SubmissionWhereInput = chosen
    ? { OR: [{ phaseId: chosen.id }, { phaseId: null, baselineId: { not: null }, track: chosen.track }] }
    : {};

  const engine = engineOfDb(db);
  // Suspended and banned accounts leave the board (lib/organizer/set-user-status.ts); the status
  // change updates User.updatedAt, which readLeaderboardVersion watches, so the cache follows.
  const scored = Prisma.sql`s."datasetId" = ${dataset.id} AND s."status" = 'scored' AND s."disqualifiedAt" IS NULL
    AND NOT EXISTS (SELECT 1 FROM "User" su WHERE su."id" = s."userId" AND su."status" <> 'active') ${inPhase}`;
  // Names come with the ranked rows; an organizer's own (non-baseline) entries are dropped here.
  const named = (inner: Prisma.Sql, metrics: Prisma.Sql | null) => Prisma.sql`
    SELECT t.*, u."name" AS "name", u."role" AS "role", b."title" AS "title", tm."name" AS "teamName"${metrics ? Prisma.sql`, ${metrics}` : Prisma.empty}
    FROM (${inner}) t
    JOIN "Score" sc2 ON sc2."submissionId" = t."id"
    LEFT JOIN "User" u ON u."id" = t."userId"
    LEFT JOIN "Baseline" b ON b."id" = t."baselineId"
    LEFT JOIN "Team" tm ON tm."id" = t."teamId"
    WHERE t."rn" = 1 AND (t."baselineId" IS NOT NULL OR u."role" IS NULL OR u."role" <> 'organizer')`;

  const bestPublic = named(
    Prisma.sql`SELECT ${KEY} AS "key", s."id", s."userId", s."baselineId", s."teamId", s."createdAt", sc."publicMain" AS "main", sc."publicMain" AS "publicMain",
        ROW_NUMBER() OVER (PARTITION BY ${KEY} ORDER BY ${BY_PUBLIC}) AS "rn"
      FROM "Submission" s JOIN "Score" sc ON sc."submissionId" = s."id" WHERE ${scored}`,
    metricColumns(engine, `sc2."public"`),
  );
  const bestBefore = named(
    Prisma.sql`SELECT ${KEY} AS "key", s."id", s."userId", s."baselineId", s."teamId", s."createdAt", sc."publicMain" AS "main", sc."publicMain" AS "publicMain",
        ROW_NUMBER() OVER (PARTITION BY ${KEY} ORDER BY ${BY_PUBLIC}) AS "rn"
      FROM "Submission" s JOIN "Score" sc ON sc."submissionId" = s."id" WHERE ${scored} AND s."createdAt" < ${cutoff}`,
    null,
  );
  const maxFinal = phaseState.maxFinal;
  const bestPrivate = named(
    Prisma.sql`SELECT c.*, ROW_NUMBER() OVER (PARTITION BY c."key" ORDER BY c."main" DESC, c."createdAt" ASC, c."id" ASC) AS "rn"
      FROM (
        SELECT e.* FROM (
          SELECT ${KEY} AS "key", s."id", s."userId", s."baselineId", s."teamId", s."createdAt", sc."privateMain" AS "main", sc."publicMain" AS "publicMain",
            CASE WHEN s."isFinal" THEN 1 ELSE 0 END AS "fin",
            SUM(CASE WHEN s."isFinal" THEN 1 ELSE 0 END) OVER (PARTITION BY ${KEY}) AS "nFinal",
            ROW_NUMBER() OVER (PARTITION BY ${KEY} ORDER BY ${BY_PUBLIC}) AS "pubRn",
            ROW_NUMBER() OVER (PARTITION BY ${KEY}, CASE WHEN s."isFinal" THEN 1 ELSE 0 END ORDER BY ${BY_PUBLIC}) AS "finRn"
          FROM "Submission" s JOIN "Score" sc ON sc."submissionId" = s."id" WHERE ${scored}
        ) e
        WHERE (e."nFinal" > 0 AND e."fin" = 1 AND e."finRn" <= ${maxFinal}) OR (e."nFinal" = 0 AND e."pubRn" <= ${maxFinal})
      ) c`,
    metricColumns(engine, `sc2."private"`),
  );

  const [publicRows, beforeRows, privateRows, counts] = await Promise.all([
    db.$queryRaw<BestRow[]>(bestPublic),
    db.$queryRaw<BestRow[]>(bestBefore),
    revealed ? db.$queryRaw<BestRow[]>(bestPrivate) : Promise.resolve(null),
    // The "Entries" column: what the participant spent a submission on and got an answer for.
    // Queued/running ones are not in yet; failures on our side were refunded, so not counted.
    db.submission.groupBy({
      by: ["userId", "baselineId", "teamId"],
      where: { datasetId: dataset.id, AND: [inPhaseWhere, { OR: [{ status: "scored" }, { status: "failed", failureKind: "user" }] }] },
      _count: { _all: true },
    }),
  ]);

  const countByKey = new Map<string, number>();
  for (const c of counts) {
    const key = ownerKey(c);
    countByKey.set(key, (countByKey.get(key) ?? 0) + c._count._all);
  }
  const membersByTeam = await teamMembers(db, publicRows);
  const before = new Map(beforeRows.map((r) => [r.key, { id: r.id, createdAt: toMs(r.createdAt), main: Number(r.main) }]));
  const privateByKey = new Map((privateRows ?? []).map((r) => [r.key, { ...rankedEntry(r), publicMain: Number(r.publicMain) }]));

  const exactCompetitors: Competitor[] = publicRows.map((r) => ({
    key: r.key,
    kind: r.baselineId !== null ? "baseline" : "participant",
    name: (r.baselineId !== null ? r.title : (r.teamName ?? r.name)) ?? (r.baselineId !== null ? "Baseline" : "Participant"),
    ...(r.teamId !== null && r.baselineId === null ? { members: membersByTeam.get(r.teamId) ?? [] } : {}),
    submissions: countByKey.get(r.key) ?? 0,
    best: rankedEntry(r),
    bestBefore: before.get(r.key) ?? null,
    bestPrivate: revealed ? (privateByKey.get(r.key) ?? null) : null,
  }));
  const competitors = applyScorePolicy({
    policy,
    competitors: exactCompetitors,
    entries: policy.kind === "ladder" ? await participantEntries(db, dataset.id, inPhaseWhere) : undefined,
    cutoff: cutoff.getTime(),
  });

  const series = computeScoreSeries({
    competitors,
    entries: applyScorePolicyToSeriesEntries({ policy, entries: await leaderEntries(db, dataset.id, competitors, inPhaseWhere) }),
    generatedAt: now,
  });
  // A handful of rows per challenge (the winners): read whole.
  const verificationRows = await db.winnerVerification.findMany({ select: { submissionId: true, status: true } });
  const verifications = Object.fromEntries(verificationRows.map((v) => [v.submissionId, v.status]));
  return { datasetId: dataset.id, phaseState, phases, competitors, series, verifications, rankChangeCutoff: cutoff, generatedAt: now };
}

/** Every ranked participant entry, oldest first (the Ladder replays each participant's history). */
async function participantEntries(db: Db, datasetId: string, inPhase: Prisma.SubmissionWhereInput): Promise<PublicEntry[]> {
  const rows = await db.submission.findMany({
    where: { ...inPhase, datasetId, status: "scored", disqualifiedAt: null, baselineId: null, user: { status: "active" } },
    select: { id: true, userId: true, teamId: true, createdAt: true, score: { select: { publicMain: true } } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return rows.flatMap((r) =>
    r.score ? [{ id: r.id, key: ownerKey({ ...r, baselineId: null }), createdAt: r.createdAt.getTime(), main: r.score.publicMain }] : [],
  );
}

/** Every scored entry of the participants who get a line on the chart (a few hundred rows at most). */
async function leaderEntries(
  db: Db,
  datasetId: string,
  competitors: Competitor[],
  inPhase: Prisma.SubmissionWhereInput,
): Promise<Map<string, { t: number; score: number }[]>> {
  const leaders = competitors
    .filter((c) => c.kind === "participant")
    .sort((a, b) => b.best.main - a.best.main || a.best.createdAt - b.best.createdAt || (a.best.id < b.best.id ? -1 : 1))
    .slice(0, DEFAULT_SERIES_PARTICIPANTS);
  const rows = await db.submission.findMany({
    where: {
      ...inPhase,
      datasetId,
      status: "scored",
      disqualifiedAt: null,
      baselineId: null,
      OR: [
        { teamId: null, userId: { in: leaders.filter((c) => c.key.startsWith("u:")).map((c) => c.key.slice(2)) } },
        { teamId: { in: leaders.filter((c) => c.key.startsWith("t:")).map((c) => c.key.slice(2)) } },
      ],
    },
    select: { userId: true, teamId: true, createdAt: true, score: { select: { publicMain: true } } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  const out = new Map<string, { t: number; score: number }[]>();
  for (const r of rows) {
    if (!r.score) continue;
    const key = ownerKey({ ...r, baselineId: null });
    let list = out.get(key);
    if (!list) out.set(key, (list = []));
    list.push({ t: r.createdAt.getTime(), score: r.score.publicMain });
  }
  return out;
}

/** The members of the teams on the board, in the order they joined (a team's line lists them). */
async function teamMembers(db: Db, rows: BestRow[]): Promise<Map<string, string[]>> {
  const ids = [...new Set(rows.flatMap((r) => (r.teamId !== null && r.baselineId === null ? [r.teamId] : [])))];
  if (ids.length === 0) return new Map();
  const members = await db.teamMember.findMany({
    where: { teamId: { in: ids } },
    orderBy: [{ joinedAt: "asc" }, { id: "asc" }],
    select: { teamId: true, user: { select: { name: true } } },
  });
  const out = new Map<string, string[]>();
  for (const m of members) out.set(m.teamId, [...(out.get(m.teamId) ?? []), m.user.name]);
  return out;
}

function rankedEntry(r: BestRow): RankedEntry {
  const metrics = { main: Number(r.main) } as LeaderboardMetrics;
  for (const key of METRIC_KEYS) {
    if (key === "main") continue;
    const v = r[`m_${key}`];
    // PostgreSQL's ::float8 and SQLite's json_extract both give numbers; null stays null.
    metrics[key] = v === null || v === undefined || !Number.isFinite(Number(v)) ? null : Number(v);
  }
  return { id: r.id, createdAt: toMs(r.createdAt), main: Number(r.main), metrics };
}

/** Raw queries return DateTime columns as Date; through a subquery an engine may hand back text. */
function toMs(v: Date | string | number): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v === "number") return v;
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw new Error(`unexpected createdAt value ${JSON.stringify(v)}`);
  return ms;
}
