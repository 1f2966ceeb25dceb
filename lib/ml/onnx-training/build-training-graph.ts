import { beginStepGraph, type StepGraph } from "./begin-step-graph";
import { emitTrainingLayers } from "./emit-training-layers";
import { describeNetwork, type NetworkLayout, type NetworkSpec } from "./network-spec";

/**
 * The ONNX graph of one training step of `spec` at a fixed batch size: the forward pass in
 * training mode, the softmax cross-entropy of every head and the backward pass, written out of
 * standard opset-17 operators (onnxruntime-node has no training API; the backward pass is just
 * more graph). Static shapes everywhere, so onnxruntime plans the memory once and every
 * constant (pads, slices, 1/M) is known; a partial last batch gets its own graph.
 *
 * Inputs: `x` [N, H, W, C] (NHWC images), every parameter by name (weights go in each step),
 * `<dropout>.mask` (0 or 1/(1-rate), drawn by the caller), and per head `<head>.targets` [N, K]
 * (one-hot; a zero row for an ignored label) and `<head>.weights` [N] (per-sample weight of the
 * loss, class weight / normaliser; 0 ignores the row).
 * Outputs: `loss` (sum of the heads'), `<head>.loss`, `<param>.grad` for every parameter, and
 * `<bn>.mean`, `<bn>.var` (the batch statistics, biased variance) for the running averages kept
 * in JavaScript.
 *
 * The layers' forward and backward rules are in emit-training-layers.ts (shared with the VAE's
 * step graph, build-vae-training-graph.ts).
 */

export type TrainingGraph = StepGraph<NetworkLayout>;

export function buildTrainingGraph(options: { spec: NetworkSpec; batchSize: number }): TrainingGraph {
  const { spec, batchSize: N } = options;
  const layout = describeNetwork(spec);
  const { g, x, shape, eps, grads, stats, finish } = beginStepGraph({ spec, batchSize: N, layout });
  const trunk = emitTrainingLayers({ g, input: x, shape, layers: spec.layers, eps, inputGradient: false, grads, stats });

  // Heads: softmax cross-entropy, weighted per sample; dlogits = w * (softmax - t) for one-hot t.
  const features = trunk.output;
  const headLosses: string[] = [];
  const dFeatures: string[] = [];
  for (const head of spec.heads) {
    const kernel = `${head.name}.kernel`;
    const bias = `${head.name}.bias`;
    const targets = g.input(`${head.name}.targets`, [N, head.classes]);
    const weights = g.input(`${head.name}.weights`, [N]);
    const logits = g.op("Gemm", [features, kernel, bias], {}, `${head.name}_logits`);
    const logp = g.op("LogSoftmax", [logits], { axis: 1 });
    const w2 = g.op("Unsqueeze", [weights, g.ints([1])]);
    const tw = g.op("Mul", [targets, w2]);
    const loss = g.op("Neg", [g.op("ReduceSum", [g.op("Mul", [tw, logp])], { keepdims: 0 })], {}, `${head.name}_loss`);
    headLosses.push(loss);
    g.output(`${head.name}.loss`, loss, []);
    const dLogits = g.op("Sub", [g.op("Mul", [g.op("Exp", [logp]), w2]), tw], {}, `${head.name}_dlogits`);
    grads.set(kernel, g.op("Gemm", [features, dLogits], { transA: 1 }));
    grads.set(bias, g.op("ReduceSum", [dLogits, g.ints([0])], { keepdims: 0 }));
    dFeatures.push(g.op("Gemm", [dLogits, kernel], { transB: 1 }));
  }
  g.output("loss", headLosses.length === 1 ? headLosses[0] : g.op("Sum", headLosses), []);
  trunk.backward(dFeatures.length === 1 ? dFeatures[0] : g.op("Sum", dFeatures, {}, "dfeatures"));

  return finish(`${spec.name}_train_step`);
}
