import fs from "node:fs";
import path from "node:path";
import { IMAGE_HEIGHT, IMAGE_WIDTH } from "@/lib/challenge/definition";
import { CONDITION_SIZE, GENERATOR_LATENT_SIZE, type GeneratorManifest } from "@/lib/generation/generator-manifest";
import { saveLayersModel } from "../models/model-fixtures";
import { BLUE_LEVELS, GREEN_LEVELS, RED_LEVELS } from "./colour-networks";

/**
 * tfjs-layers generators built and saved with tfjs itself (cpu backend, a custom save handler
 * writing model.json + weights.bin), as a participant's script would:
 *
 * - "conditional": a functional model, inputs z [null, 64] and attributes [null, 10]; a dense
 *   layer maps the condition to the flat colour of colour-networks.ts (latent weight 0), reshaped
 *   to 1x1x3 and upsampled to 108x84: range [0,1], NHWC.
 * - "unconditional": a Sequential model, z -> dense(3) -> reshape -> upsampling, colour 0.5 + z0/10.
 * - "small": like "unconditional" but 54x42 images (a wrong output shape the sandbox must refuse).
 */
export async function writeTfjsGenerator(dir: string, kind: "conditional" | "unconditional" | "small"): Promise<GeneratorManifest> {
  const tf = await import("@tensorflow/tfjs-core");
  await import("@tensorflow/tfjs-backend-cpu");
  const tfl = await import("@tensorflow/tfjs-layers");
  await tf.setBackend("cpu");
  const size: [number, number] = kind === "small" ? [IMAGE_HEIGHT / 2, IMAGE_WIDTH / 2] : [IMAGE_HEIGHT, IMAGE_WIDTH];
  let model: import("@tensorflow/tfjs-layers").LayersModel;
  if (kind === "conditional") {
    const z = tfl.input({ shape: [GENERATOR_LATENT_SIZE], name: "z" });
    const attributes = tfl.input({ shape: [CONDITION_SIZE], name: "attributes" });
    const both = tfl.layers.concatenate().apply([z, attributes]) as import("@tensorflow/tfjs-layers").SymbolicTensor;
    const colour = tfl.layers.dense({ units: 3, name: "colour" }).apply(both);
    const image = tfl.layers
      .upSampling2d({ size, name: "images" })
      .apply(tfl.layers.reshape({ targetShape: [1, 1, 3] }).apply(colour)) as import("@tensorflow/tfjs-layers").SymbolicTensor;
    model = tfl.model({ inputs: [z, attributes], outputs: image });
    const W = new Float32Array((GENERATOR_LATENT_SIZE + CONDITION_SIZE) * 3);
    const row = (j: number) => GENERATOR_LATENT_SIZE + j;
    RED_LEVELS.forEach((v, j) => (W[row(j) * 3 + 0] = v));
    GREEN_LEVELS.forEach((v, j) => (W[row(2 + j) * 3 + 1] = v));
    BLUE_LEVELS.forEach((v, j) => (W[row(7 + j) * 3 + 2] = v));
    model.getLayer("colour").setWeights([tf.tensor2d(W, [GENERATOR_LATENT_SIZE + CONDITION_SIZE, 3]), tf.zeros([3])]);
  } else {
    const seq = tfl.sequential();
    seq.add(tfl.layers.dense({ units: 3, inputShape: [GENERATOR_LATENT_SIZE], name: "colour" }));
    seq.add(tfl.layers.reshape({ targetShape: [1, 1, 3] }));
    seq.add(tfl.layers.upSampling2d({ size, name: "images" }));
    const W = new Float32Array(GENERATOR_LATENT_SIZE * 3);
    W[0] = W[1] = W[2] = 0.1;
    seq.getLayer("colour").setWeights([tf.tensor2d(W, [GENERATOR_LATENT_SIZE, 3]), tf.fill([3], 0.5)]);
    model = seq;
  }
  await saveLayersModel(model, dir);
  const manifest: GeneratorManifest = {
    format: "tfjs-layers",
    model: "model.json",
    latent: { input: "z", size: GENERATOR_LATENT_SIZE },
    ...(kind === "conditional" ? { condition: { input: "attributes" } } : {}),
    output: { layout: "NHWC", range: "[0,1]" },
    batchSize: 32,
  };
  fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));
  return manifest;
}
