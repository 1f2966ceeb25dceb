import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { GeneratorManifest } from "../generation/generator-manifest";
import { writeGeneratorZip } from "../generation/write-generator-zip";

/** A generator submission zip (manifest.json + the model) as bytes, for submitBaseline. */
export async function encodeGeneratorZip(options: { onnx: Uint8Array; manifest: GeneratorManifest }): Promise<Uint8Array> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tp-generator-zip-"));
  try {
    const file = path.join(dir, "generator.zip");
    await writeGeneratorZip({ file, ...options });
    return fs.readFileSync(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
