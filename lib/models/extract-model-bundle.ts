import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { inspectModelBundle, openModelUpload, type InspectModelBundleOptions, type ModelBundle } from "./inspect-model-bundle";
import { resolveLimits } from "./limits";
import { MANIFEST_FILE_NAME } from "./manifest";

/**
 * Inspects an upload and, when it passes, writes the bundle into `destDir` for the sandbox:
 * the zip's files (streamed, real bytes counted against the declared sizes and the total
 * limit), or for a bare .onnx the model plus the manifest that came with it. `destDir` must not
 * exist or be empty; on failure it is removed again.
 */
export type ExtractModelBundleResult = { ok: true; bundle: ModelBundle; dir: string } | { ok: false; errors: string[] };

export async function extractModelBundle(
  input: Omit<InspectModelBundleOptions, "maxBytes"> & { destDir: string; maxBytes?: number },
): Promise<ExtractModelBundleResult> {
  // Without an explicit upload limit, the bundle's own total-size limit bounds the upload too.
  const options = { ...input, maxBytes: input.maxBytes ?? resolveLimits(input.limits).maxTotalBytes };
  const inspected = await inspectModelBundle(options);
  if (!inspected.ok) return inspected;

  const dir = path.resolve(options.destDir);
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) {
    return { ok: false, errors: [`internal: extraction folder ${dir} is not empty`] };
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });

  // Reopen: the file is re-validated, so nothing learnt during inspection is reused blindly.
  const opened = await openModelUpload(options);
  if (!opened.ok) return cleanup(dir, opened.errors);
  const upload = opened.upload;
  try {
    if (upload.kind === "zip") {
      await upload.zip.extractTo(dir);
    } else {
      const target = path.join(dir, ...upload.manifest.model.split("/"));
      fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o755 });
      await pipeline(
        fs.createReadStream(upload.file, { end: upload.size - 1 }),
        fs.createWriteStream(target, { flags: "wx", mode: 0o644 }),
      );
      fs.writeFileSync(path.join(dir, MANIFEST_FILE_NAME), JSON.stringify(upload.manifest, null, 2), { flag: "wx", mode: 0o644 });
    }
  } catch (e) {
    return cleanup(dir, [`the bundle could not be extracted: ${(e as Error).message}`]);
  } finally {
    if (upload.kind === "zip") upload.zip.close();
  }
  return { ok: true, bundle: inspected.bundle, dir };
}

function cleanup(dir: string, errors: string[]): { ok: false; errors: string[] } {
  fs.rmSync(dir, { recursive: true, force: true });
  return { ok: false, errors };
}
