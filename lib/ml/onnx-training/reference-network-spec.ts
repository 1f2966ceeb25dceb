import { ATTRIBUTES, CLASSES, IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH } from "../../challenge/definition";
import { REFERENCE_CNN_DEFAULTS, type ReferenceCnnOptions } from "../reference-cnn";
import type { LayerSpec, NetworkSpec } from "./network-spec";

/**
 * The reference CNN (lib/ml/reference-cnn.ts) as a NetworkSpec for the ONNX training engine:
 * the same options give the same architecture (optional input average pooling, conv blocks of
 * 3x3 conv + batch norm + ReLU + 2x2 max pool but the last, global average pooling or flatten,
 * a shared dense layer with ReLU, dropout, one softmax head per attribute).
 */
export function referenceNetworkSpec(options: Omit<ReferenceCnnOptions, "seed"> = {}): NetworkSpec {
  const channels = options.channels ?? [...REFERENCE_CNN_DEFAULTS.channels];
  const denseUnits = options.denseUnits ?? REFERENCE_CNN_DEFAULTS.denseUnits;
  const dropout = options.dropout ?? REFERENCE_CNN_DEFAULTS.dropout;
  const batchNorm = options.batchNorm ?? REFERENCE_CNN_DEFAULTS.batchNorm;
  if (!batchNorm) throw new Error("the ONNX training engine's convolutions have no bias: use batch norm");
  const layers: LayerSpec[] = [];
  if ((options.inputPool ?? 1) > 1) layers.push({ kind: "avgPool", size: options.inputPool! });
  channels.forEach((filters, i) => {
    layers.push({ kind: "conv", name: `conv${i + 1}`, filters, kernel: 3 }, { kind: "batchNorm", name: `bn${i + 1}` }, { kind: "relu" });
    if (i < channels.length - 1) layers.push({ kind: "maxPool", size: 2 });
  });
  layers.push(options.head === "flatten" ? { kind: "flatten" } : { kind: "globalAvgPool" });
  layers.push({ kind: "dense", name: "shared", units: denseUnits }, { kind: "relu" });
  if (dropout > 0) layers.push({ kind: "dropout", name: "dropout", rate: dropout });
  return {
    name: options.name ?? "reference_cnn",
    input: options.inputShape ?? [IMAGE_HEIGHT, IMAGE_WIDTH, IMAGE_CHANNELS],
    layers,
    heads: ATTRIBUTES.map((a) => ({ name: a, classes: CLASSES[a].length })),
  };
}
