/**
 * The challenge platform's own code that this kit uses, so the kit trains exactly like the
 * organizers' cnn baseline and can never disagree with the scorer about classes or image size:
 *   - the ONNX training engine: each training step is one forward + backward ONNX graph run by
 *     onnxruntime-node on all the cores it is given, Adam in JavaScript, and the export of the
 *     trained network as an ONNX model bundle with its manifest.json;
 *   - the same engine's VAE (a generator for the generation track: its step graph, its decoder
 *     exported as the generator) and the generator manifest's schema;
 *   - the challenge definition: attributes, class names, image size;
 *   - the metric code and the zip writer and reader the platform uses for the downloads and the
 *     model bundles.
 * In the platform's repository these paths point into its lib/ folder; in the downloaded kit
 * they point at copies of those files under src/platform/.
 */
export {
  createOnnxTrainer,
  type OnnxPredictor,
  type OnnxTrainer,
  type OnnxTrainerOptions,
} from "../../lib/ml/onnx-training/create-onnx-trainer";
export { countNetworkFlops, describeNetwork, type LayerSpec, type NetworkSpec } from "../../lib/ml/onnx-training/network-spec";
export { saveOnnxBundle } from "../../lib/ml/onnx-training/save-onnx-bundle";
export { createVaeTrainer, type VaeTrainer } from "../../lib/ml/onnx-training/create-vae-trainer";
export type { VaeSpec } from "../../lib/ml/onnx-training/vae-spec";
export { fitLatentGaussian } from "../../lib/generation/fit-latent-gaussian";
export { poolPortrait } from "../../lib/generation/pool-portrait";
export { generatorManifestSchema, GENERATOR_LATENT_SIZE, type GeneratorManifest } from "../../lib/generation/generator-manifest";
export {
  ATTRIBUTES,
  CLASSES,
  IMAGE_BYTES,
  IMAGE_CHANNELS,
  IMAGE_HEIGHT,
  IMAGE_WIDTH,
  NA,
  REAL_DATASET,
  SUBMISSION_CSV_HEADER,
  type Attribute,
} from "../../lib/challenge/definition";
export {
  CHECKSUMS_NAME,
  SAMPLE_SUBMISSION_NAME,
  TEST_IMAGES_DIR_NAME,
  TEST_ZIP_NAME,
  TRAIN_ZIP_CSV_NAME,
  TRAIN_ZIP_NAME,
} from "../../lib/dataset/layout";
export { IMAGES_DIR_NAME } from "../../lib/challenge/definition";
export { mulberry32 } from "../../lib/random/mulberry32";
export { attributeMetricsFromConfusion } from "../../lib/metrics/compute-attribute-metrics";
export { createZipWriter } from "../../lib/zip/create-zip-writer";
export { forEachZipEntry, openZipFile, readZipEntryBytes, zipEntryName } from "../../lib/zip/open-zip-file";
