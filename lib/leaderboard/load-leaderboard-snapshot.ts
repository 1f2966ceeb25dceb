import type { Db } from "../db/client";
import type { SplitScores } from "../metrics/types";
import { metricsFromSplitScores, type LeaderboardMetrics } from "./leaderboard-columns";
import { resolvePhaseState, type PhaseState } from "./resolve-phase-state";
import { selectBestPrivateEntry, selectBestPublicEntry } from "./select-ranked-entries";
import type { Competitor, LightEntry } from "./types";

/**
 * Everything the boards of the current dataset are computed from, read in one go.
 *
 * Cost (the board must hold 200 requests/s with 20,000 submissions): the full metrics live in
 * Score.public / Score.private Json blobs of a few kB each. Only the main scores of all
 * entries are read (they decide who ranks where, the rank change and the score-over-time
 * chart); the Json of just the one ranked entry per competitor is read afterwards, so a board
 * of 1,000 participants parses 1,000 blobs, not 20,000. The result is cached by getLeaderboard.
 *
 * Secrecy: before the reveal the private columns are not even selected, so no private number
 * exists in the web process to leak through a page, the API or a bug in a later step.
 */
export interface LeaderboardSnapshot {
  datasetId: string | null;
  phaseState: PhaseState;
  competitors: Competitor[];
  /** Metrics of each competitor's best public entry, by entry id. */
  publicMetrics: Map<string, LeaderboardMetrics>;
  /** Metrics of each competitor's best private final entry; null before the reveal. */
  privateMetrics: Map<string, LeaderboardMetrics> | null;
  generatedAt: Date;
}

export interface LoadLeaderboardSnapshotOptions {
  db: Db;
  now?: Date;
}

// Well below SQLite's bound-parameter limit (32,766) and PostgreSQL's (65,535).
const IN_CHUNK = 5_000;

export async function loadLeaderboardSnapshot(options: LoadLeaderboardSnapshotOptions): Promise<LeaderboardSnapshot> {
  const { db } = options;
  const now = options.now ?? new Date();
  const [dataset, phases] = await Promise.all([
    db.dataset.findFirst({ where: { isCurrent: true }, select: { id: true } }),
    db.phase.findMany({ select: { name: true, startsAt: true, endsAt: true, maxFinal: true, privateRevealed: true } }),
  ]);
  const phaseState = resolvePhaseState({ phases, now });
  const revealed = phaseState.privateRevealed;
  const empty: LeaderboardSnapshot = {
    datasetId: dataset?.id ?? null,
    phaseState,
    competitors: [],
    publicMetrics: new Map(),
    privateMetrics: revealed ? new Map() : null,
    generatedAt: now,
  };
  if (!dataset) return empty;

  const [submissions, counts, baselines] = await Promise.all([
    db.submission.findMany({
      // Disqualified entries leave the boards (they still count as entries spent).
      where: { datasetId: dataset.id, status: "scored", disqualifiedAt: null, score: { isNot: null } },
      select: {
        id: true,
        userId: true,
        baselineId: true,
        createdAt: true,
        isFinal: true,
        score: { select: { publicMain: true, privateMain: revealed } },
      },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    }),
    // The "Entries" column: what the participant spent a submission on and got an answer for.
    // Queued/running ones are not in yet; failures on our side were refunded, so not counted.
    db.submission.groupBy({
      by: ["userId", "baselineId"],
      where: { datasetId: dataset.id, OR: [{ status: "scored" }, { status: "failed", failureKind: "user" }] },
      _count: { _all: true },
    }),
    db.baseline.findMany({ select: { id: true, title: true } }),
  ]);

  const userIds = [...new Set(submissions.filter((s) => s.baselineId === null).map((s) => s.userId))];
  const users = new Map<string, { name: string; role: string }>();
  for (let i = 0; i < userIds.length; i += IN_CHUNK) {
    const rows = await db.user.findMany({ where: { id: { in: userIds.slice(i, i + IN_CHUNK) } }, select: { id: true, name: true, role: true } });
    for (const u of rows) users.set(u.id, u);
  }
  const baselineTitles = new Map(baselines.map((b) => [b.id, b.title]));

  const countByKey = new Map<string, number>();
  for (const c of counts) {
    const key = c.baselineId !== null ? `b:${c.baselineId}` : `u:${c.userId}`;
    countByKey.set(key, (countByKey.get(key) ?? 0) + c._count._all);
  }

  const byKey = new Map<string, Competitor>();
  for (const s of submissions) {
    if (!s.score) continue;
    let key: string;
    let kind: Competitor["kind"];
    let name: string;
    if (s.baselineId !== null) {
      key = `b:${s.baselineId}`;
      kind = "baseline";
      name = baselineTitles.get(s.baselineId) ?? "Baseline";
    } else {
      const user = users.get(s.userId);
      // Organizers' own non-baseline entries are platform checks, not competitors.
      if (!user || user.role === "organizer") continue;
      key = `u:${s.userId}`;
      kind = "participant";
      name = user.name;
    }
    let c = byKey.get(key);
    if (!c) {
      c = { key, kind, name, submissions: countByKey.get(key) ?? 0, entries: [] };
      byKey.set(key, c);
    }
    const entry: LightEntry = { id: s.id, createdAt: s.createdAt.getTime(), publicMain: s.score.publicMain, isFinal: s.isFinal };
    if (revealed) entry.privateMain = (s.score as { privateMain?: number }).privateMain;
    c.entries.push(entry);
  }
  const competitors = [...byKey.values()];

  const bestPublicIds: string[] = [];
  const bestPrivateIds: string[] = [];
  for (const c of competitors) {
    const pub = selectBestPublicEntry({ entries: c.entries });
    if (pub) bestPublicIds.push(pub.id);
    if (revealed) {
      const priv = selectBestPrivateEntry({ entries: c.entries, maxFinal: phaseState.maxFinal });
      if (priv) bestPrivateIds.push(priv.id);
    }
  }

  const mainOf = new Map<string, LightEntry>();
  for (const c of competitors) for (const e of c.entries) mainOf.set(e.id, e);
  const publicMetrics = await loadMetrics(db, bestPublicIds, "public", (id) => mainOf.get(id)?.publicMain ?? null);
  const privateMetrics = revealed ? await loadMetrics(db, bestPrivateIds, "private", (id) => mainOf.get(id)?.privateMain ?? null) : null;

  return { datasetId: dataset.id, phaseState, competitors, publicMetrics, privateMetrics, generatedAt: now };
}

async function loadMetrics(db: Db, ids: string[], split: "public" | "private", mainOf: (id: string) => number | null): Promise<Map<string, LeaderboardMetrics>> {
  const out = new Map<string, LeaderboardMetrics>();
  for (let i = 0; i < ids.length; i += IN_CHUNK) {
    const chunk = ids.slice(i, i + IN_CHUNK);
    const rows =
      split === "public"
        ? (await db.score.findMany({ where: { submissionId: { in: chunk } }, select: { submissionId: true, public: true } })).map((r) => [r.submissionId, r.public] as const)
        : (await db.score.findMany({ where: { submissionId: { in: chunk } }, select: { submissionId: true, private: true } })).map((r) => [r.submissionId, r.private] as const);
    for (const [id, json] of rows) out.set(id, metricsFromSplitScores(mainOf(id), json as unknown as SplitScores | null));
  }
  return out;
}
