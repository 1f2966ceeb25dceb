import * as tf from "@tensorflow/tfjs";
import { PIXEL_SCALING } from "./make-batch";
import { ATTRIBUTES, CLASSES } from "./platform";
import { writeZip } from "./write-zip";

/**
 * Writes the model as a submission bundle: a zip holding
 *   model.json     tfjs layers topology + weightsManifest (the format tf.loadLayersModel reads)
 *   weights.bin    the weights, in weightsManifest order
 *   manifest.json  how the scorer feeds the images and reads the three heads
 * tfjs has no file:// saver without tfjs-node, so the files are collected with a custom save
 * handler. Returns the manifest (also printed by train.ts).
 */
export async function writeModelBundle(options: { model: tf.LayersModel; file: string; name?: string }): Promise<object> {
  const { model } = options;
  let modelJson = "";
  let weights = Buffer.alloc(0);
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      weights = Buffer.from(data);
      modelJson = JSON.stringify({
        format: "layers-model",
        generatedBy: artifacts.generatedBy,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs ?? [] }],
      });
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON", weightDataBytes: weights.length } };
    }),
  );

  for (const attr of ATTRIBUTES) {
    if (!model.outputNames.includes(attr))
      throw new Error(
        `the model has no output named ${attr} (outputs: ${model.outputNames.join(", ")}); name each head's layer after its attribute`,
      );
  }
  const manifest = {
    format: "tfjs-layers",
    model: "model.json",
    input: { layout: "NHWC", scale: PIXEL_SCALING.scale, mean: PIXEL_SCALING.mean, std: PIXEL_SCALING.std, channelOrder: "RGB" },
    // Each head's output (the layer named after the attribute) and the order of its classes.
    outputs: Object.fromEntries(ATTRIBUTES.map((attr) => [attr, { output: attr, classes: [...CLASSES[attr]] }])),
    name: options.name ?? "starter kit CNN",
  };
  await writeZip({
    file: options.file,
    files: { "model.json": modelJson, "weights.bin": weights, "manifest.json": `${JSON.stringify(manifest, null, 2)}\n` },
  });
  return manifest;
}
