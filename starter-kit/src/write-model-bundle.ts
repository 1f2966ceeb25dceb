import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PIXEL_SCALING } from "./make-batch";
import { saveOnnxBundle, type OnnxTrainer } from "./platform";
import { writeZip } from "./write-zip";

/**
 * Writes the trained network as a submission bundle: a zip holding
 *   model.onnx     the inference graph (batch norm folded into the convolutions, no dropout, one
 *                  softmax output per attribute, named after it, any batch size)
 *   manifest.json  how the scorer feeds the images and reads the three heads
 * The manifest is checked with the platform's own manifest rules before anything is written.
 * Returns the manifest (as written).
 */
export async function writeModelBundle(options: { trainer: OnnxTrainer; file: string; name?: string }): Promise<object> {
  const { trainer } = options;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tiny-portraits-bundle-"));
  try {
    const saved = saveOnnxBundle({
      dir,
      spec: trainer.spec,
      onnx: trainer.exportOnnx(),
      scale: PIXEL_SCALING.scale,
      mean: PIXEL_SCALING.mean,
      std: PIXEL_SCALING.std,
      name: options.name ?? "starter kit CNN",
    });
    await writeZip({
      file: options.file,
      files: {
        [path.basename(saved.modelFile)]: fs.readFileSync(saved.modelFile),
        [path.basename(saved.manifestFile)]: fs.readFileSync(saved.manifestFile),
      },
    });
    return JSON.parse(fs.readFileSync(saved.manifestFile, "utf8")) as object;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
