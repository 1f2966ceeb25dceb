import { colourFeaturesBaseline } from "./colour-features";
import { priorBaseline } from "./prior";
import type { BaselineDefinition } from "./types";

/**
 * Every baseline, in the order they run (quick ones first). `npm run baselines -- --only NAME`
 * picks one by name.
 *
 * HOOK (cnn): the multitask CNN baseline goes here once lib/ml (patched wasm training kernels,
 * model-io saving a tfjs-layers bundle + manifest) is finished: a `cnnBaseline` whose run()
 * trains on the train cache with lib/ml, validates on the same held-out rows (splitHoldout),
 * and returns `{ kind: "model", fileName: "cnn.zip", bytes: <zipped tfjs-layers bundle with
 * manifest.json> }`, so the scorer runs it in the sandbox like any participant's model.
 * Not built yet: see PLANNED_BASELINES.
 */
export const BASELINES: readonly BaselineDefinition[] = [priorBaseline, colourFeaturesBaseline];

/** Names announced but not implemented yet; asking for one says so instead of "unknown". */
export const PLANNED_BASELINES: readonly string[] = ["cnn"];

export function findBaseline(name: string): BaselineDefinition | undefined {
  return BASELINES.find((b) => b.name === name);
}
