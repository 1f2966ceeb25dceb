import { z } from "zod";
import { ATTRIBUTES, DATASET_VALUES, type Attribute, type LabelRow } from "../challenge/definition";
import { mulberry32 } from "../random/mulberry32";

export const ANY = "any";
/** Portraits per page: 6 rows of 8 on a wide screen, 16 of 3 on a phone. */
export const DEFAULT_SAMPLE_SIZE = 48;
export const MAX_SEED = 2 ** 32 - 1;

const valueOf = (attribute: Attribute) => z.enum([ANY, ...DATASET_VALUES[attribute]] as [string, ...string[]]).catch(ANY);

/**
 * The explorer's GET parameters. Lenient on purpose: a hand-edited or outdated link shows the
 * unfiltered sample instead of an error page. `seed` is kept when valid, so a link always shows
 * the same portraits; without one the page picks a seed and redirects to the shareable URL.
 */
export const exploreQuerySchema = z.object({
  gender: valueOf("Gender").default(ANY),
  hairColor: valueOf("Hair_Color").default(ANY),
  hairType: valueOf("Hair_Type").default(ANY),
  seed: z.coerce.number().int().min(0).max(MAX_SEED).optional().catch(undefined),
});
export type ExploreQuery = z.infer<typeof exploreQuerySchema>;

/** The query's filters by attribute name; `any` means no filter on that attribute. */
export function filtersOf(query: ExploreQuery): Record<Attribute, string> {
  return { Gender: query.gender, Hair_Color: query.hairColor, Hair_Type: query.hairType };
}

export interface SampledPortrait {
  /** Image_Index: the portrait's number, as in Tiny_Portrait_NNNNNN.png of the train zip. */
  imageIndex: number;
  labels: Record<Attribute, string>;
}

export interface PortraitSample {
  seed: number;
  /** Train rows matching the filters. */
  matching: number;
  portraits: SampledPortrait[];
  /** Label counts over all matching rows (not only the sample), per attribute and value. */
  matchingCounts: Record<Attribute, Record<string, number>>;
}

/**
 * Like the original dataset's sampling notebook: `count` train portraits picked at random among
 * those whose labels match the filters (`n/a` is a value like any other). The same rows, filters
 * and seed always give the same portraits in the same order, so a URL is shareable. Costs one pass
 * over the rows plus a partial shuffle of the matches.
 */
export function sampleTrainPortraits(options: {
  rows: readonly LabelRow[];
  filters: Record<Attribute, string>;
  seed: number;
  count?: number;
}): PortraitSample {
  const { rows, filters, seed, count = DEFAULT_SAMPLE_SIZE } = options;
  const active = ATTRIBUTES.filter((a) => filters[a] !== ANY);
  const matches: number[] = [];
  const matchingCounts = Object.fromEntries(ATTRIBUTES.map((a) => [a, {}])) as PortraitSample["matchingCounts"];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (!active.every((a) => row[a] === filters[a])) continue;
    matches.push(i);
    for (const a of ATTRIBUTES) matchingCounts[a][row[a]] = (matchingCounts[a][row[a]] ?? 0) + 1;
  }
  // Partial Fisher-Yates: the first k slots become a uniform random sample, in random order.
  const random = mulberry32(seed);
  const k = Math.min(count, matches.length);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (matches.length - i));
    [matches[i], matches[j]] = [matches[j], matches[i]];
  }
  const portraits = matches.slice(0, k).map((i) => ({
    imageIndex: rows[i].Image_Index,
    labels: { Gender: rows[i].Gender, Hair_Color: rows[i].Hair_Color, Hair_Type: rows[i].Hair_Type },
  }));
  return { seed, matching: matches.length, portraits, matchingCounts };
}
