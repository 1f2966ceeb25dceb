/**
 * The joint distribution of (Gender, Hair_Color, Hair_Type) that the synthetic labels are drawn
 * from, built so that the published facts of the real dataset (docs/dataset.md) hold.
 *
 * How the 2 x 6 x 4 = 48 cells are derived:
 *
 * 1. Three two-way tables of counts are written down below, each summing to the real total and
 *    to the real one-way counts (`REAL_DATASET.counts`):
 *    - gender x colour: blond, bald and gray split by gender are published; how black, brown and
 *      n/a split by gender is not, so black is assumed 55% female and brown 65% female (CelebA's
 *      male faces lean dark-haired), and n/a takes what is left of each gender.
 *    - gender x type: wavy by gender is published; bald type is assumed almost all male (20 female,
 *      matching the 8 female bald-colour rows plus a few thin-haired ones), straight 49% female
 *      (straight is the male default next to wavy's 84% female), n/a takes the rest.
 *    - colour x type: n/a/n/a (23,550), bald/bald (1,811) and gray/bald (549) are published; the
 *      2,390 - 1,811 - 549 = 30 remaining bald-type rows are spread over the other colours, the
 *      14 bald-colour rows that are not bald/bald get type n/a (a bald head has neither straight nor
 *      wavy hair), and the other cells are assumed so that n/a type is most common among gray and
 *      black hair (short cuts) and wavy most common among brown and blond.
 * 2. Iterative proportional fitting, started from a table that is 1 wherever the colour x type
 *    cell is non-zero, then finds the maximum-entropy three-way table that has exactly those
 *    three two-way margins. So every published count and cross-count is reproduced, nothing
 *    impossible (bald colour with wavy hair, a row with everything n/a) has any probability, and
 *    the cells nobody published are as uninformative as the margins allow.
 */
import { NA, REAL_DATASET } from "../../challenge/definition";

export const GENDER_VALUES = ["female", "male"] as const;
export const COLOR_VALUES = [NA, "black", "brown", "blond", "gray", "bald"] as const;
export const TYPE_VALUES = [NA, "wavy", "straight", "bald"] as const;

export type GenderValue = (typeof GENDER_VALUES)[number];
export type ColorValue = (typeof COLOR_VALUES)[number];
export type TypeValue = (typeof TYPE_VALUES)[number];

/** Published cross-counts of the real dataset, docs/dataset.md (CelebA-derived facts, not in definition.ts). */
export const REAL_CROSS_COUNTS = {
  blond: { female: 19_614, male: 916 },
  baldColor: { female: 8, male: 1_817 },
  gray: { female: 830, male: 3_850 },
  wavy: { female: 40_615, male: 7_590 },
  baldBald: 1_811,
  grayBald: 549,
  naNa: 23_550,
} as const;

// Rows female, male; columns in COLOR_VALUES order (n/a, black, brown, blond, gray, bald).
const GENDER_BY_COLOR: readonly (readonly number[])[] = [
  [26_680, 17_900, 19_200, 19_614, 830, 8],
  [18_916, 14_677, 10_326, 916, 3_850, 1_817],
];

// Rows female, male; columns in TYPE_VALUES order (n/a, wavy, straight, bald).
const GENDER_BY_TYPE: readonly (readonly number[])[] = [
  [30_097, 40_615, 13_500, 20],
  [26_669, 7_590, 13_873, 2_370],
];

// Rows in COLOR_VALUES order, columns in TYPE_VALUES order.
const COLOR_BY_TYPE: readonly (readonly number[])[] = [
  /* n/a   */ [23_550, 12_500, 9_536, 10],
  /* black */ [13_000, 12_205, 7_360, 12],
  /* brown */ [10_500, 13_000, 6_020, 6],
  /* blond */ [7_402, 9_600, 3_526, 2],
  /* gray  */ [2_300, 900, 931, 549],
  /* bald  */ [14, 0, 0, 1_811],
];

export const TWO_WAY_MARGINS = { GENDER_BY_COLOR, GENDER_BY_TYPE, COLOR_BY_TYPE };

const NG = GENDER_VALUES.length;
const NC = COLOR_VALUES.length;
const NT = TYPE_VALUES.length;

export function cellIndex(g: number, c: number, t: number): number {
  return (g * NC + c) * NT + t;
}

/** Returns expected counts per cell for a dataset of the real size (sums to REAL_DATASET.total). */
export function buildJointCounts(): Float64Array {
  const table = new Float64Array(NG * NC * NT);
  for (let g = 0; g < NG; g++)
    for (let c = 0; c < NC; c++) for (let t = 0; t < NT; t++) table[cellIndex(g, c, t)] = COLOR_BY_TYPE[c][t] > 0 ? 1 : 0;

  // Iterative proportional fitting: rescale to each two-way margin in turn until all three hold
  // (converges in well under 200 rounds); the misses are measured on the last one.
  const byGenderColor = (g: number, c: number, t: number) => cellIndex(g, c, t);
  const byGenderType = (g: number, t: number, c: number) => cellIndex(g, c, t);
  const byColorType = (c: number, t: number, g: number) => cellIndex(g, c, t);
  for (let round = 0; round < 500; round++) {
    fitMargin(table, [NG, NC, NT], byGenderColor, GENDER_BY_COLOR);
    fitMargin(table, [NG, NT, NC], byGenderType, GENDER_BY_TYPE);
    if (fitMargin(table, [NC, NT, NG], byColorType, COLOR_BY_TYPE) < 1e-6) break;
  }
  return table;
}

/**
 * Scales the cells of each (a, b) line of `table` (cell(a, b, i) for i < ni) so that they sum to
 * margin[a][b]; returns the largest |sum - margin| seen before scaling.
 */
function fitMargin(
  table: Float64Array,
  [na, nb, ni]: [number, number, number],
  cell: (a: number, b: number, i: number) => number,
  margin: readonly (readonly number[])[],
): number {
  let worst = 0;
  for (let a = 0; a < na; a++)
    for (let b = 0; b < nb; b++) {
      let s = 0;
      for (let i = 0; i < ni; i++) s += table[cell(a, b, i)];
      worst = Math.max(worst, Math.abs(s - margin[a][b]));
      const f = s > 0 ? margin[a][b] / s : 0;
      for (let i = 0; i < ni; i++) table[cell(a, b, i)] *= f;
    }
  return worst;
}

/** Cumulative probabilities over the 48 cells, for sampling with one uniform number. */
export function buildJointCdf(counts: Float64Array = buildJointCounts()): Float64Array {
  const cdf = new Float64Array(counts.length);
  let acc = 0;
  for (let i = 0; i < counts.length; i++) {
    acc += counts[i] / REAL_DATASET.total;
    cdf[i] = acc;
  }
  return cdf;
}
