import type { Attribute } from "../challenge/definition";
import { loadTrainCatalogue } from "./load-train-catalogue";
import { filtersOf, sampleTrainPortraits, type ExploreQuery, type PortraitSample } from "./sample-train-portraits";

export interface ExplorerView extends PortraitSample {
  buildId: string;
  /** All train portraits. */
  total: number;
  filters: Record<Attribute, string>;
}

/**
 * What the explorer page shows for a query with a seed: a seeded sample of matching train
 * portraits, their labels and the label distribution of the matches. Null when no dataset is
 * prepared. The caller has checked that the user may see the data (signed in, terms accepted).
 */
export async function exploreTrainPortraits(options: {
  dataDir: string;
  query: ExploreQuery & { seed: number };
}): Promise<ExplorerView | null> {
  const catalogue = await loadTrainCatalogue({ dataDir: options.dataDir });
  if (!catalogue) return null;
  const filters = filtersOf(options.query);
  const sample = sampleTrainPortraits({ rows: catalogue.rows, filters, seed: options.query.seed });
  return { ...sample, buildId: catalogue.buildId, total: catalogue.rows.length, filters };
}
