import { createZipWriter } from "../zip/create-zip-writer";
import type { GeneratorManifest } from "./generator-manifest";

/** Writes a generator submission zip: `manifest.json` and the model under the manifest's `model` name. */
export async function writeGeneratorZip(options: { file: string; onnx: Uint8Array; manifest: GeneratorManifest }): Promise<void> {
  const { file, onnx, manifest } = options;
  const zip = await createZipWriter(file);
  await zip.add("manifest.json", Buffer.from(JSON.stringify(manifest, null, 2) + "\n"), { compress: true });
  await zip.add(manifest.model, Buffer.from(onnx), { compress: true });
  await zip.finish();
}
