import { ATTRIBUTES, CLASSES } from "../challenge/definition";
import { buildPaths } from "../dataset/layout";
import { readTrainLabels } from "../dataset/read-train-labels";
import { conditionProbabilitiesFromCounts, type ConditionProbabilities } from "./draw-generator-inputs";

/**
 * The class shares of the train labels per attribute (n/a rows left out): what a conditional
 * generator's requested attributes are drawn from, so the requests look like the data.
 */
export async function countTrainConditions(options: { buildDir: string }): Promise<ConditionProbabilities> {
  const rows = await readTrainLabels(buildPaths(options.buildDir).cacheDir);
  const counts = Object.fromEntries(ATTRIBUTES.map((a) => [a, CLASSES[a].map(() => 0)])) as Record<(typeof ATTRIBUTES)[number], number[]>;
  for (const row of rows) {
    for (const a of ATTRIBUTES) {
      const k = (CLASSES[a] as readonly string[]).indexOf(row[a]);
      if (k >= 0) counts[a][k]++;
    }
  }
  return conditionProbabilitiesFromCounts(counts);
}
