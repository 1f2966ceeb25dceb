import { computeScores } from "../metrics/compute-scores";
import type { Scores } from "../metrics/types";
import { parsePredictionsCsv, type CsvProblem, type PredictionsCsvInput } from "../submissions/parse-predictions-csv";
import { loadHiddenLabels } from "./load-hidden-labels";
import { loadTestIds } from "./load-test-ids";

export type ScoreCsvResult = { ok: true; scores: Scores; rows: number } | { ok: false; errors: CsvProblem[]; unchecked?: CsvProblem };

/**
 * Validates a predictions CSV against a build's test ids and scores it on both hidden parts.
 * Shared by the queue's score-submission handler and `npm run score`, so both score alike.
 */
export async function scoreCsv(options: {
  dataDir: string;
  buildDir: string;
  input: PredictionsCsvInput;
  maxBytes: number;
}): Promise<ScoreCsvResult> {
  const [expectedIds, labels] = await Promise.all([
    loadTestIds({ buildDir: options.buildDir }),
    loadHiddenLabels({ dataDir: options.dataDir, buildDir: options.buildDir }),
  ]);
  const parsed = await parsePredictionsCsv({ input: options.input, expectedIds, maxBytes: options.maxBytes });
  if (!parsed.ok) return parsed;
  return { ok: true, scores: computeScores({ labels, predictions: parsed.predictions }), rows: parsed.rows };
}
