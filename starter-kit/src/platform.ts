/**
 * The challenge platform's own code that this kit uses, so the kit trains exactly like the
 * organizers' baselines and can never disagree with the scorer about classes or image size:
 *   - selectTrainingBackend: tfjs-node when it is installed, otherwise the tfjs wasm backend with
 *     the platform's convolution-gradient kernels (stock wasm cannot train a CNN, and the
 *     pure-JS cpu backend is far too slow);
 *   - the challenge definition: attributes, class names, image size.
 *   - the zip writer and reader the platform uses for the downloads and the model bundles.
 * In the platform's repository these paths point into its lib/ folder; in the downloaded kit
 * they point at copies of those files under src/platform/.
 */
export { selectTrainingBackend, type TrainingBackend } from "../../lib/ml/select-backend";
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
