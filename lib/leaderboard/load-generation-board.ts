import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { pickCurrentPhase } from "../phases/get-current-phase";
import { isPrivateRevealed } from "../phases/is-private-revealed";
import { phaseStatusAt, type PhaseStatus } from "../phases/phase-status";
import { generationTrack } from "../tracks/generation-track";

export type GenerationBoardKind = "public" | "private";

export interface GenerationBoardRow {
  /** Official rank (competitors only); null for a baseline, which is shown for reference. */
  rank: number | null;
  name: string;
  isBaseline: boolean;
  /** The entry's kind ("generator" | "images") and its flag when the track flags it (uploaded images). */
  kind: string;
  flag: string | null;
  /** The ranked entry: its board's main score and every metric of the track on that part. */
  main: number;
  metrics: Record<string, number | null>;
  memorised: boolean;
  submittedAt: Date;
  /** The competitor's scored entries in this phase. */
  entries: number;
}

export interface GenerationBoard {
  board: GenerationBoardKind;
  phase: { id: string; name: string; status: PhaseStatus; startsAt: Date; endsAt: Date } | null;
  phases: { id: string; name: string; status: PhaseStatus; isCurrent: boolean }[];
  privateRevealed: boolean;
  rows: GenerationBoardRow[];
  generatedAt: Date;
}

interface Entry {
  id: string;
  key: string;
  name: string;
  isBaseline: boolean;
  kind: string;
  createdAt: Date;
  isFinal: boolean;
  publicMain: number;
  privateMain: number | null;
  public: Record<string, unknown>;
  private: Record<string, unknown> | null;
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
/** Lower is better; ties to the earlier submission, then the id (a total order). */
const better = (main: (e: Entry) => number) => (a: Entry, b: Entry) =>
  main(a) - main(b) || a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The generation track's board of one phase (default: the generation phase running now, else
 * the next, else the last): one line per competitor (a team's members are one, a baseline is
 * one), their best entry by the main score, LOWER IS BETTER (FPD x memorisation penalty), ties
 * to the earlier submission. The same entry rules as the attributes board (docs/challenge.md):
 * scored, not disqualified, active accounts, the current dataset, the phase's own entries plus
 * the track's baselines (which take no rank); organizers' own entries are platform checks and
 * left out. The private board exists only after the reveal, from each competitor's final picks
 * (or their best maxFinal public entries if they picked none); before it no private number is
 * read. Generation phases see a handful of entries a day (each is minutes of scoring), so the
 * rows are read and ranked here rather than in SQL.
 */
export async function loadGenerationBoard(options: {
  db: Db;
  board?: GenerationBoardKind;
  phaseId?: string;
  now?: Date;
}): Promise<GenerationBoard> {
  const { db } = options;
  const now = options.now ?? new Date();
  const phases = await db.phase.findMany({ where: { track: generationTrack.id }, orderBy: { startsAt: "asc" } });
  const current = pickCurrentPhase({ phases, now });
  const chosen = options.phaseId === undefined ? current : phases.find((p) => p.id === options.phaseId);
  if (chosen === undefined) throw new AppError("not-found", { user: "This generation phase does not exist." });
  const revealed = chosen ? isPrivateRevealed(chosen, now) : false;
  const board = options.board ?? "public";
  if (board === "private" && !revealed)
    throw new AppError("forbidden", { user: "The private leaderboard is revealed when the phase ends." });
  const base = {
    board,
    phase: chosen
      ? {
          id: chosen.id,
          name: chosen.name,
          status: phaseStatusAt({ phase: chosen, now }),
          startsAt: chosen.startsAt,
          endsAt: chosen.endsAt,
        }
      : null,
    phases: phases.map((p) => ({ id: p.id, name: p.name, status: phaseStatusAt({ phase: p, now }), isCurrent: p.id === current?.id })),
    privateRevealed: revealed,
    generatedAt: now,
  };
  const dataset = await db.dataset.findFirst({ where: { isCurrent: true }, select: { id: true } });
  if (!dataset) return { ...base, rows: [] };

  const rows = await db.submission.findMany({
    where: {
      datasetId: dataset.id,
      track: generationTrack.id,
      status: "scored",
      disqualifiedAt: null,
      user: { status: "active" },
      ...(chosen ? { OR: [{ phaseId: chosen.id }, { phaseId: null, baselineId: { not: null } }] } : {}),
    },
    select: {
      id: true,
      kind: true,
      createdAt: true,
      isFinal: true,
      baselineId: true,
      teamId: true,
      userId: true,
      user: { select: { name: true, role: true } },
      team: { select: { name: true } },
      baseline: { select: { title: true } },
      score: {
        select: revealed ? { publicMain: true, public: true, privateMain: true, private: true } : { publicMain: true, public: true },
      },
    },
  });
  const entries: Entry[] = rows.flatMap((r) => {
    if (!r.score || !Number.isFinite(r.score.publicMain)) return [];
    if (r.baselineId === null && r.user.role === "organizer") return [];
    const score = r.score as { publicMain: number; public: unknown; privateMain?: number | null; private?: unknown };
    return [
      {
        id: r.id,
        key: r.baselineId ? `b:${r.baselineId}` : r.teamId ? `t:${r.teamId}` : `u:${r.userId}`,
        name: r.baseline?.title ?? r.team?.name ?? r.user.name,
        isBaseline: r.baselineId !== null,
        kind: r.kind,
        createdAt: r.createdAt,
        isFinal: r.isFinal,
        publicMain: score.publicMain,
        privateMain: num(score.privateMain),
        public: (score.public ?? {}) as Record<string, unknown>,
        private: revealed ? ((score.private ?? {}) as Record<string, unknown>) : null,
      },
    ];
  });
  const byCompetitor = new Map<string, Entry[]>();
  for (const e of entries) byCompetitor.set(e.key, [...(byCompetitor.get(e.key) ?? []), e]);

  const maxFinal = chosen?.maxFinal ?? 2;
  const ranked: { entry: Entry; main: number; part: Record<string, unknown>; count: number }[] = [];
  for (const list of byCompetitor.values()) {
    if (board === "public") {
      const best = [...list].sort(better((e) => e.publicMain))[0];
      ranked.push({ entry: best, main: best.publicMain, part: best.public, count: list.length });
    } else {
      const picked = list.filter((e) => e.isFinal);
      const pool = (picked.length ? picked : list).sort(better((e) => e.publicMain)).slice(0, maxFinal);
      const withPrivate = pool.filter((e) => e.privateMain !== null);
      if (!withPrivate.length) continue;
      const best = withPrivate.sort(better((e) => e.privateMain!))[0];
      ranked.push({ entry: best, main: best.privateMain!, part: best.private ?? {}, count: list.length });
    }
  }
  ranked.sort((a, b) => a.main - b.main || better(() => 0)(a.entry, b.entry));
  let rank = 0;
  const out: GenerationBoardRow[] = ranked.map(({ entry, main, part, count }) => ({
    rank: entry.isBaseline ? null : ++rank,
    name: entry.name,
    isBaseline: entry.isBaseline,
    kind: entry.kind,
    flag: generationTrack.kinds.find((k) => k.kind === entry.kind)?.flag ?? null,
    main,
    metrics: Object.fromEntries(generationTrack.metrics.map((m) => [m.key, m.key === "main" ? main : num(part[m.key])])),
    memorised: part.memorised === true,
    submittedAt: entry.createdAt,
    entries: count,
  }));
  return { ...base, rows: out };
}
