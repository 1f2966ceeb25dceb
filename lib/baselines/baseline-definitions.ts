import { cnnBaseline } from "./cnn";
import { colourFeaturesBaseline } from "./colour-features";
import { priorBaseline } from "./prior";
import type { BaselineDefinition } from "./types";

/**
 * Every baseline, in the order they run (quick ones first, the CNN last: it trains for minutes).
 * `npm run baselines -- --only NAME` picks one by name. A new baseline is a BaselineDefinition
 * (types.ts) added here.
 */
export const BASELINES: readonly BaselineDefinition[] = [priorBaseline, colourFeaturesBaseline, cnnBaseline];

/** Names announced but not implemented yet; asking for one says so instead of "unknown". */
export const PLANNED_BASELINES: readonly string[] = [];

export function findBaseline(name: string): BaselineDefinition | undefined {
  return BASELINES.find((b) => b.name === name);
}
