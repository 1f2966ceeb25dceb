import { z } from "zod";
import { COLUMNS, METRIC_KEYS } from "../leaderboard/leaderboard-columns";
import type { TrackDefinition } from "./track-definition";

/**
 * Today's challenge: predict Gender, Hair_Color and Hair_Type of the hidden test portraits, as a
 * predictions CSV or as a model the scorer runs in the sandbox (docs/challenge.md). Its metrics
 * and columns are the leaderboard's own list (lib/leaderboard/leaderboard-columns.ts).
 */
export const attributesTrack: TrackDefinition<Record<string, never>> = {
  id: "attributes",
  title: "Attributes",
  description: "Predict gender, hair colour and hair type of the hidden test portraits; ranked by the mean of the three macro-F1s.",
  kinds: [
    { kind: "csv", label: "Predictions CSV", extensions: [".csv"], runsModel: false },
    { kind: "model", label: "Model (ONNX or tfjs)", extensions: [".zip", ".onnx"], runsModel: true },
  ],
  defaultKinds: ["csv", "model"],
  handler: "score-submission",
  mainMetric: "main",
  higherIsBetter: true,
  metrics: METRIC_KEYS.map((key) => {
    const column = COLUMNS.find((c) => c.key === key)!;
    return { key, label: column.label, description: column.description, higherIsBetter: column.defaultDir === "desc" };
  }),
  columns: COLUMNS,
  // No track-specific settings yet: anything given is refused rather than silently ignored.
  settingsSchema: z
    .object({})
    .strict()
    .nullish()
    .transform(() => ({}) as Record<string, never>),
};
