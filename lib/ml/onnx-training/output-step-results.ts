import type { BatchStatistics } from "./emit-training-layers";
import type { ParameterInfo } from "./network-spec";
import type { OnnxGraphBuilder } from "./onnx-graph-builder";

/**
 * The outputs every training-step graph ends with, in the order the trainers read them: each
 * parameter's gradient (`<name>.grad`, the parameter's shape; a parameter without one is a bug
 * in the graph builder and throws), then each batch norm's batch mean and variance
 * (`<name>.mean`, `<name>.var`).
 */
export function outputStepResults(options: {
  g: OnnxGraphBuilder;
  parameters: readonly ParameterInfo[];
  grads: ReadonlyMap<string, string>;
  stats: readonly BatchStatistics[];
}): void {
  const { g } = options;
  for (const p of options.parameters) {
    const grad = options.grads.get(p.name);
    if (!grad) throw new Error(`no gradient for ${p.name}`);
    g.output(`${p.name}.grad`, grad, p.shape);
  }
  for (const s of options.stats) {
    g.output(`${s.name}.mean`, s.mean, [s.channels]);
    g.output(`${s.name}.var`, s.variance, [s.channels]);
  }
}
