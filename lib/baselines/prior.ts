import { ATTRIBUTES, CLASSES, type Attribute } from "../challenge/definition";
import { readTensorCacheMeta } from "../dataset/load-tensor-cache";
import { readTrainLabels } from "../dataset/read-train-labels";
import { encodeTrainLabels } from "./encode-train-labels";
import { evaluatePredictions } from "./evaluate-predictions";
import { formatPredictionsCsv } from "./format-predictions-csv";
import { splitHoldout } from "./split-holdout";
import type { BaselineArtifact, BaselineDefinition, BaselineRunOptions, ClassPredictions, EncodedLabels } from "./types";

/**
 * The floor: for every test image, the most frequent known (non-n/a) train class of each
 * attribute. No pixels are read. Any model worth submitting must beat it.
 */
export const priorBaseline: BaselineDefinition = {
  name: "prior",
  title: "Prior (most frequent class)",
  description: "Predicts the most frequent train class of each attribute for every image, ignoring the pixels: the floor.",
  defaultEpochs: 1,
  run: runPriorBaseline,
};

/** Most frequent class index per attribute among the given rows (n/a rows ignored). */
export function fitPrior(options: { labels: EncodedLabels; rows?: ArrayLike<number> }): Record<Attribute, number> {
  const { labels } = options;
  const out = {} as Record<Attribute, number>;
  for (const attribute of ATTRIBUTES) {
    const codes = labels[attribute];
    const counts = new Array<number>(CLASSES[attribute].length).fill(0);
    const n = options.rows ? options.rows.length : codes.length;
    for (let i = 0; i < n; i++) {
      const c = codes[options.rows ? options.rows[i] : i];
      if (c >= 0) counts[c]++;
    }
    out[attribute] = counts.indexOf(Math.max(...counts));
  }
  return out;
}

export async function runPriorBaseline(options: BaselineRunOptions): Promise<BaselineArtifact> {
  const started = performance.now();
  const labels = encodeTrainLabels({ rows: await readTrainLabels(options.cacheDir) });
  const count = labels.Gender.length;
  const split = splitHoldout({ count, seed: options.seed });
  // Validation with the prior of the training rows only, like any other baseline.
  const heldOutPrior = fitPrior({ labels, rows: split.train });
  const validation = evaluatePredictions({ labels, rows: split.holdout, predict: (a) => heldOutPrior[a] });
  options.onEpoch?.({ epoch: 1, epochs: 1, loss: 0, validation });

  // The submitted prior uses every train row.
  const prior = fitPrior({ labels });
  const { ids } = await readTensorCacheMeta(options.cacheDir, "test");
  const predictions = {} as ClassPredictions;
  for (const attribute of ATTRIBUTES) predictions[attribute] = new Uint8Array(ids.length).fill(prior[attribute]);
  return {
    kind: "csv",
    fileName: "prior.csv",
    bytes: formatPredictionsCsv({ ids, predictions }),
    validation,
    trainSeconds: (performance.now() - started) / 1000,
  };
}
