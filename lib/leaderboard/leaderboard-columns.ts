/**
 * The leaderboard's metric columns: one list that the page, the JSON API, the CSV export and
 * the sort all read, so a column added here shows up (and sorts) everywhere at once.
 *
 * Every value is a number or null; null means "not measurable for this entry" (e.g. no male
 * image with a known hair colour in a split) and always sorts last, whatever the direction:
 * a missing score must never rank first (the most common complaint about other platforms).
 */
import type { SplitScores } from "../metrics/types";

export const METRIC_KEYS = [
  "main",
  "genderF1",
  "hairColorF1",
  "hairTypeF1",
  "genderAccuracy",
  "hairColorAccuracy",
  "hairTypeAccuracy",
  "hairColorF1Female",
  "hairColorF1Male",
  "fairnessGap",
] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];

/** Everything a board can be sorted by: the metrics plus the entry count and the entry date. */
export const SORT_KEYS = ["rank", ...METRIC_KEYS, "submissions", "bestAt"] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDir = "asc" | "desc";

export interface ColumnInfo {
  key: SortKey;
  label: string;
  /** One sentence for a tooltip / the API's column list. */
  description: string;
  /** The direction a first click on the header sorts in: the "best first" direction. */
  defaultDir: SortDir;
}

export const COLUMNS: readonly ColumnInfo[] = [
  {
    key: "rank",
    label: "Rank",
    description: "Official rank: best main score, ties to the earlier submission. Baselines have no rank.",
    defaultDir: "asc",
  },
  { key: "main", label: "Score", description: "Main score: mean of the three macro-F1s.", defaultDir: "desc" },
  { key: "genderF1", label: "Gender F1", description: "Gender macro-F1.", defaultDir: "desc" },
  { key: "hairColorF1", label: "Hair colour F1", description: "Hair colour macro-F1.", defaultDir: "desc" },
  { key: "hairTypeF1", label: "Hair type F1", description: "Hair type macro-F1.", defaultDir: "desc" },
  { key: "genderAccuracy", label: "Gender acc.", description: "Gender accuracy.", defaultDir: "desc" },
  { key: "hairColorAccuracy", label: "Hair colour acc.", description: "Hair colour accuracy.", defaultDir: "desc" },
  { key: "hairTypeAccuracy", label: "Hair type acc.", description: "Hair type accuracy.", defaultDir: "desc" },
  { key: "hairColorF1Female", label: "Colour F1 (female)", description: "Hair colour macro-F1 on images of women.", defaultDir: "desc" },
  { key: "hairColorF1Male", label: "Colour F1 (male)", description: "Hair colour macro-F1 on images of men.", defaultDir: "desc" },
  {
    key: "fairnessGap",
    label: "Fairness gap",
    description: "Hair colour macro-F1 on women minus on men; sorted by its size whatever the sign (smaller is fairer).",
    defaultDir: "asc",
  },
  {
    key: "submissions",
    label: "Entries",
    description: "Scored submissions plus those refused by the scorer because of the file; failures on our side are not counted.",
    defaultDir: "desc",
  },
  { key: "bestAt", label: "Best entry", description: "When the ranked submission was made.", defaultDir: "asc" },
];

export type LeaderboardMetrics = Record<MetricKey, number | null>;

/** The leaderboard numbers of one scored split, read out of Score.public / Score.private. */
export function metricsFromSplitScores(main: number | null, scores: SplitScores | null | undefined): LeaderboardMetrics {
  const a = scores?.attributes;
  const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
  return {
    main: num(main),
    genderF1: num(a?.Gender?.macroF1),
    hairColorF1: num(a?.Hair_Color?.macroF1),
    hairTypeF1: num(a?.Hair_Type?.macroF1),
    genderAccuracy: num(a?.Gender?.accuracy),
    hairColorAccuracy: num(a?.Hair_Color?.accuracy),
    hairTypeAccuracy: num(a?.Hair_Type?.accuracy),
    hairColorF1Female: num(scores?.fairness?.hairColorMacroF1Female),
    hairColorF1Male: num(scores?.fairness?.hairColorMacroF1Male),
    fairnessGap: num(scores?.fairness?.gap),
  };
}
