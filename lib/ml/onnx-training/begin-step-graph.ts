import type { BatchStatistics } from "./emit-training-layers";
import { DEFAULT_BATCH_NORM_EPSILON, type ParameterInfo } from "./network-spec";
import { OnnxGraphBuilder } from "./onnx-graph-builder";
import { outputStepResults } from "./output-step-results";

/** One training step's ONNX graph at a fixed batch size, and the layout of the network it trains. */
export interface StepGraph<Layout> {
  bytes: Uint8Array;
  batchSize: number;
  layout: Layout;
  nodeCount: number;
}

/**
 * What every training-step graph (build-training-graph.ts, build-vae-training-graph.ts) begins
 * and ends with, so each builder holds only its own loss and backward pass.
 *
 * Begins: the graph builder; the images `x` [N, H, W, C] as an input, transposed to NCHW for the
 * layers (`x_nchw`, returned as `x` with its `shape`); every parameter as an input by name (the
 * trainers feed the current weights each step); the batch-norm epsilon; the `grads` and `stats`
 * the layers fill. `finish(graphName)` adds the gradient and batch-statistics outputs
 * (output-step-results.ts) after the builder's own, and encodes the graph.
 */
export function beginStepGraph<Layout extends { parameters: readonly ParameterInfo[] }>(options: {
  /** The network's image size [H, W, C] and batch-norm epsilon (NetworkSpec, VaeSpec). */
  spec: { input: readonly [number, number, number]; batchNormEpsilon?: number };
  batchSize: number;
  layout: Layout;
}) {
  const { spec, batchSize: N, layout } = options;
  const [H, W, C] = spec.input;
  const g = new OnnxGraphBuilder();
  const x = g.input("x", [N, H, W, C]);
  for (const p of layout.parameters) g.input(p.name, p.shape);
  const grads = new Map<string, string>();
  const stats: BatchStatistics[] = [];
  return {
    g,
    x: g.op("Transpose", [x], { perm: [0, 3, 1, 2] }, "x_nchw"),
    shape: [N, C, H, W],
    eps: spec.batchNormEpsilon ?? DEFAULT_BATCH_NORM_EPSILON,
    grads,
    stats,
    finish(graphName: string): StepGraph<Layout> {
      outputStepResults({ g, parameters: layout.parameters, grads, stats });
      return { bytes: g.encode(graphName), batchSize: N, layout, nodeCount: g.nodeCount };
    },
  };
}
