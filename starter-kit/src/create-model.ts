import { ATTRIBUTES, CLASSES, IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH, type LayerSpec, type NetworkSpec } from "./platform";

/**
 * A small multitask CNN, described as data for the platform's ONNX training engine: a shared
 * convolutional trunk and one softmax head per attribute, each head named after its attribute
 * ("Gender", "Hair_Color", "Hair_Type") so manifest.json can point at the outputs by name.
 *
 * The 108x84 input is average-pooled 2x2 first (54x42), then four blocks of 3x3 convolution,
 * batch norm and ReLU; every block but the last ends in a 2x2 max pool, so the maps shrink
 * 54x42 -> 27x21 -> 13x10 -> 6x5. About 16 MFLOP per image: quick to train on a laptop's CPU.
 * Wider or deeper trunks (`channels`), no input pooling (`inputPool: 1`, about 4x the cost) or a
 * flatten head instead of global average pooling are the obvious first experiments.
 *
 * The layers the engine can train: conv (square, odd kernel, stride 1, 'same' padding, no bias:
 * a batch norm follows it), batchNorm, relu, maxPool and avgPool (stride = size), globalAvgPool,
 * flatten, dense, dropout (see src/platform/ml/onnx-training/network-spec.ts).
 */
export function createModel(
  options: { channels?: number[]; denseUnits?: number; inputPool?: number; head?: "global-average" | "flatten"; dropout?: number } = {},
): NetworkSpec {
  const channels = options.channels ?? [16, 32, 64, 128];
  const inputPool = options.inputPool ?? 2;
  const dropout = options.dropout ?? 0.25;
  const layers: LayerSpec[] = [];
  if (inputPool > 1) layers.push({ kind: "avgPool", size: inputPool });
  channels.forEach((filters, i) => {
    layers.push({ kind: "conv", name: `conv${i + 1}`, filters, kernel: 3 }, { kind: "batchNorm", name: `bn${i + 1}` }, { kind: "relu" });
    if (i < channels.length - 1) layers.push({ kind: "maxPool", size: 2 });
  });
  layers.push(options.head === "flatten" ? { kind: "flatten" } : { kind: "globalAvgPool" });
  layers.push({ kind: "dense", name: "shared", units: options.denseUnits ?? 64 }, { kind: "relu" });
  if (dropout > 0) layers.push({ kind: "dropout", name: "dropout", rate: dropout });
  return {
    name: "starter_cnn",
    input: [IMAGE_HEIGHT, IMAGE_WIDTH, IMAGE_CHANNELS],
    layers,
    heads: ATTRIBUTES.map((a) => ({ name: a, classes: CLASSES[a].length })),
  };
}
