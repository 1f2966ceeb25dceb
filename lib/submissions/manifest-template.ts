import { CLASSES, REAL_DATASET } from "../challenge/definition";

/**
 * The manifest the submit form pre-fills for a bare .onnx upload: what a PyTorch model exported
 * with `torch.onnx.export` and trained on `ToTensor()` + `Normalize(mean, std)` images with the
 * dataset's channel statistics declares, with three outputs in the order Gender, Hair_Color,
 * Hair_Type. Derived from the challenge definition so the class lists can never be stale.
 * Pure: the browser bundle imports it.
 */
export function manifestTemplate(): string {
  const manifest = {
    format: "onnx",
    model: "model.onnx",
    input: {
      layout: "NCHW",
      scale: 1 / 255,
      mean: [...REAL_DATASET.mean],
      std: [...REAL_DATASET.std],
      channelOrder: "RGB",
    },
    outputs: {
      Gender: { output: 0, classes: [...CLASSES.Gender] },
      Hair_Color: { output: 1, classes: [...CLASSES.Hair_Color] },
      Hair_Type: { output: 2, classes: [...CLASSES.Hair_Type] },
    },
  };
  // Arrays of numbers and names on one line each: easier to read and edit in a textarea.
  return JSON.stringify(manifest, null, 2).replace(/\[\s+([^[\]{}]*?)\s+\]/g, (_, inner: string) => `[${inner.split(/,\s+/).join(", ")}]`);
}
