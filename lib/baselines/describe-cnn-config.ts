import { IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH } from "../challenge/definition";
import { REFERENCE_CNN_DEFAULTS, type ReferenceCnnOptions } from "../ml/reference-cnn";

const NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];

/**
 * The architecture of a reference-CNN configuration in words, for the cnn baseline's description
 * on the leaderboard. Derived from the same options and defaults `createReferenceCnn` builds the
 * model from (lib/ml/reference-cnn.ts), so the text follows the model when the configuration
 * changes instead of going stale: feature-map sizes are computed the way the layers compute them
 * ('valid' pooling: each pool divides and rounds down).
 */
export function describeCnnConfig(config: ReferenceCnnOptions): string {
  const channels = config.channels ?? [...REFERENCE_CNN_DEFAULTS.channels];
  const batchNorm = config.batchNorm ?? REFERENCE_CNN_DEFAULTS.batchNorm;
  const denseUnits = config.denseUnits ?? REFERENCE_CNN_DEFAULTS.denseUnits;
  const dropout = config.dropout ?? REFERENCE_CNN_DEFAULTS.dropout;
  const [inputHeight, inputWidth] = config.inputShape ?? [IMAGE_HEIGHT, IMAGE_WIDTH, IMAGE_CHANNELS];
  const pool = config.inputPool ?? 1;

  let height = Math.floor(inputHeight / pool);
  let width = Math.floor(inputWidth / pool);
  const input = pool > 1 ? `the image average-pooled ${pool}x${pool} (${height}x${width})` : `the full ${inputHeight}x${inputWidth} image`;
  // A 2x2 max pool follows every block but the last.
  for (let i = 0; i < channels.length - 1; i++) {
    height = Math.floor(height / 2);
    width = Math.floor(width / 2);
  }
  const last = channels.at(-1) ?? 0;

  const count = NUMBER_WORDS[channels.length] ?? String(channels.length);
  const block = ["3x3 conv", ...(batchNorm ? ["batch norm"] : []), "ReLU"].join(", ");
  const blocks =
    `${count[0].toUpperCase()}${count.slice(1)} conv block${channels.length === 1 ? "" : "s"} (${block}; ` +
    `${channels.join("-")} channels${channels.length > 1 ? ", 2x2 max pool between blocks" : ""})`;
  const head =
    config.head === "flatten"
      ? `the last ${height}x${width}x${last} feature map flattened`
      : `global average pooling of the last ${height}x${width}x${last} feature map`;
  const shared = `a shared dense layer of ${denseUnits} units${dropout > 0 ? ` (dropout ${dropout})` : ""}`;
  return `${blocks} on ${input}, ${head} into ${shared}, and three softmax heads`;
}
