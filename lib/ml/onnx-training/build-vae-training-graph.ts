import { beginStepGraph, type StepGraph } from "./begin-step-graph";
import { emitTrainingLayers } from "./emit-training-layers";
import { describeVae, VAE_LATENT_LAYER, type VaeLayout, type VaeSpec } from "./vae-spec";

/**
 * The ONNX graph of one training step of a VAE at a fixed batch size (opset 17, static shapes,
 * the layers' rules of emit-training-layers.ts):
 *
 *   [mu, logvar] = latent(encoder(x)),  z = mu + exp(logvar / 2) * noise,  y = decoder(z)
 *   loss = reconstructionWeight * sum((y - x)^2) / N + klWeight * KL / N
 *   KL   = sum over images and latent units of (mu^2 + exp(logvar) - 1 - logvar) / 2
 *
 * The reparameterisation's noise is an input (`noise` [N, latent], standard normal drawn by
 * the caller), so the graph is deterministic and its gradients can be checked by finite
 * differences. The squared error is a Gaussian likelihood with a fixed variance: weight
 * 1 / (2 sigma^2). Both weights are scalar inputs, so a KL warm-up needs no new graph.
 *
 * Inputs: `x` [N, H, W, C] (the images, in [0, 1]: the encoder's input and the target), every
 * parameter, `noise`, `reconstructionWeight`, `klWeight`. Outputs: `loss`, `reconstruction`
 * (squared error per image), `kl` (per image), `mu` [N, latent], `<param>.grad`, `<bn>.mean`,
 * `<bn>.var`.
 *
 * Backward: dy = 2 rw (y - x) / N; dz from the decoder; dmu = dz + kw mu / N;
 * dlogvar = dz * noise * std / 2 + kw (exp(logvar) - 1) / (2N).
 */
export type VaeTrainingGraph = StepGraph<VaeLayout>;

export function buildVaeTrainingGraph(options: { spec: VaeSpec; batchSize: number }): VaeTrainingGraph {
  const { spec, batchSize: N } = options;
  const layout = describeVae(spec);
  const L = spec.latent;
  const { g, x: target, shape, eps, grads, stats, finish } = beginStepGraph({ spec, batchSize: N, layout });
  const noise = g.input("noise", [N, L]);
  const rw = g.input("reconstructionWeight", []);
  const kw = g.input("klWeight", []);

  const encoder = emitTrainingLayers({ g, input: target, shape, layers: spec.encoder, eps, inputGradient: false, grads, stats });
  const features = encoder.output;
  const kernel = `${VAE_LATENT_LAYER}.kernel`;
  const bias = `${VAE_LATENT_LAYER}.bias`;
  const moments = g.op("Gemm", [features, kernel, bias], {}, "moments");
  const mu = g.op("Slice", [moments, g.ints([0]), g.ints([L]), g.ints([1])], {}, "mu");
  const logvar = g.op("Slice", [moments, g.ints([L]), g.ints([2 * L]), g.ints([1])], {}, "logvar");
  const std = g.op("Exp", [g.op("Mul", [logvar, g.scalar(0.5)])], {}, "std");
  const z = g.op("Add", [mu, g.op("Mul", [std, noise])], {}, "z");
  const decoder = emitTrainingLayers({ g, input: z, shape: [N, L], layers: spec.decoder, eps, inputGradient: true, grads, stats });

  const diff = g.op("Sub", [decoder.output, target], {}, "residual");
  const reconstruction = g.op("Mul", [g.op("ReduceSumSquare", [diff], { keepdims: 0 }), g.scalar(1 / N)], {}, "reconstruction");
  const variance = g.op("Mul", [std, std], {}, "variance");
  const klTerms = g.op("Sub", [g.op("Add", [g.op("Mul", [mu, mu]), variance]), g.op("Add", [logvar, g.scalar(1)])]);
  const kl = g.op("Mul", [g.op("ReduceSum", [klTerms], { keepdims: 0 }), g.scalar(0.5 / N)], {}, "kl");
  g.output("loss", g.op("Add", [g.op("Mul", [rw, reconstruction]), g.op("Mul", [kw, kl])]), []);
  g.output("reconstruction", reconstruction, []);
  g.output("kl", kl, []);
  g.output("mu", mu, [N, L]);

  const dy = g.op("Mul", [diff, g.op("Mul", [rw, g.scalar(2 / N)])], {}, "dy");
  const dz = decoder.backward(dy);
  if (!dz) throw new Error("the decoder gave no latent gradient");
  const kwN = g.op("Mul", [kw, g.scalar(1 / N)]);
  const dMu = g.op("Add", [dz, g.op("Mul", [mu, kwN])], {}, "dmu");
  const dLogvar = g.op(
    "Add",
    [
      g.op("Mul", [g.op("Mul", [dz, noise]), g.op("Mul", [std, g.scalar(0.5)])]),
      g.op("Mul", [g.op("Sub", [variance, g.scalar(1)]), g.op("Mul", [kwN, g.scalar(0.5)])]),
    ],
    {},
    "dlogvar",
  );
  const dMoments = g.op("Concat", [dMu, dLogvar], { axis: 1 }, "dmoments");
  grads.set(kernel, g.op("Gemm", [features, dMoments], { transA: 1 }, "latent_dw"));
  grads.set(bias, g.op("ReduceSum", [dMoments, g.ints([0])], { keepdims: 0 }, "latent_db"));
  encoder.backward(g.op("Gemm", [dMoments, kernel], { transB: 1 }, "dfeatures"));

  return finish(`${spec.name}_vae_step`);
}
