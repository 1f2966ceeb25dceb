import fs from "node:fs";
import path from "node:path";
import { checkOnnxModel } from "../models/check-onnx-model";
import { formatBytes, resolveLimits, type ModelBundleLimits } from "../models/limits";
import { MANIFEST_FILE_NAME } from "../models/manifest";
import { ModelZip, ZipLimitError } from "../models/model-zip";
import { checkGeneratorIo } from "./check-generator-io";
import { parseGeneratorManifest, type GeneratorManifest } from "./generator-manifest";

/**
 * Checks a generator upload (a zip with manifest.json and the .onnx, or a bare .onnx with the
 * manifest given separately) with the same container limits as classification models (entry
 * count, sizes, compression ratio, names: lib/models/model-zip.ts) and, when `destDir` is given,
 * extracts model.onnx and manifest.json there for the sandbox. Every refusal names the file or
 * JSON path concerned. Nothing is run.
 */
export type InspectGeneratorResult = { ok: true; manifest: GeneratorManifest; dir?: string } | { ok: false; errors: string[] };

export async function inspectGeneratorBundle(options: {
  file: string;
  manifestJson?: string;
  maxBytes?: number;
  limits?: Partial<ModelBundleLimits>;
  destDir?: string;
}): Promise<InspectGeneratorResult> {
  const limits = resolveLimits(options.limits);
  const maxBytes = options.maxBytes ?? limits.maxTotalBytes;
  let size: number;
  try {
    const st = fs.statSync(options.file);
    if (!st.isFile()) return { ok: false, errors: ["the upload is not a file"] };
    size = st.size;
  } catch (e) {
    return { ok: false, errors: [`cannot read the upload (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`] };
  }
  if (size === 0) return { ok: false, errors: ["the upload is empty"] };
  if (size > maxBytes) return { ok: false, errors: [`the upload is ${formatBytes(size)}; at most ${formatBytes(maxBytes)} are accepted`] };

  let manifestText: string;
  let modelBytes: Uint8Array;
  if (!isZip(options.file)) {
    if (options.manifestJson === undefined)
      return {
        ok: false,
        errors: ["a single .onnx generator needs a manifest: upload a zip with model.onnx and manifest.json, or send the manifest with it"],
      };
    if (size > limits.maxEntryBytes)
      return { ok: false, errors: [`the model is ${formatBytes(size)}; one file may be at most ${formatBytes(limits.maxEntryBytes)}`] };
    manifestText = options.manifestJson;
    modelBytes = fs.readFileSync(options.file);
    const parsed = parseGeneratorManifest(manifestText);
    if (!parsed.ok) return parsed;
    if (parsed.manifest.model.includes("/"))
      return {
        ok: false,
        errors: [`manifest.json: model: ${JSON.stringify(parsed.manifest.model)} must be a plain file name for a single uploaded .onnx`],
      };
  } else {
    const opened = await ModelZip.open(options.file, limits);
    if (!opened.ok) return opened;
    const zip = opened.zip;
    try {
      if (options.manifestJson !== undefined)
        return { ok: false, errors: ["a zip carries its own manifest.json; do not send another one"] };
      if (!zip.files.has(MANIFEST_FILE_NAME)) return { ok: false, errors: ["manifest.json is missing at the top of the zip"] };
      manifestText = (await zip.readFile(MANIFEST_FILE_NAME, Math.min(limits.maxJsonBytes, 64 * 1024))).toString("utf8");
      const parsed = parseGeneratorManifest(manifestText);
      if (!parsed.ok) return parsed;
      if (!zip.files.has(parsed.manifest.model))
        return {
          ok: false,
          errors: [
            `manifest.json: model: "${parsed.manifest.model}" is not in the zip (it has ${[...zip.files.keys()]
              .map((k) => JSON.stringify(k))
              .slice(0, 10)
              .join(", ")})`,
          ],
        };
      modelBytes = await zip.readFile(parsed.manifest.model, limits.maxEntryBytes);
    } catch (e) {
      return { ok: false, errors: [e instanceof ZipLimitError ? e.message : `the zip could not be read (${(e as Error).message})`] };
    } finally {
      zip.close();
    }
  }
  const parsed = parseGeneratorManifest(manifestText);
  if (!parsed.ok) return parsed;
  const manifest = parsed.manifest;
  const checked = checkOnnxModel({ bytes: modelBytes, manifest: null, limits, fileName: manifest.model });
  if (!checked.ok) return { ok: false, errors: checked.errors };
  const io = checkGeneratorIo(checked.summary, manifest);
  if (io.errors.length) return { ok: false, errors: io.errors };
  if (!options.destDir) return { ok: true, manifest };

  // Only the two files the sandbox needs are written: whatever else a zip holds stays unread.
  const dir = path.resolve(options.destDir);
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  if (fs.readdirSync(dir).length > 0) return { ok: false, errors: [`internal: extraction folder ${dir} is not empty`] };
  const modelName = path.basename(manifest.model);
  fs.writeFileSync(path.join(dir, modelName), modelBytes, { flag: "wx", mode: 0o644 });
  fs.writeFileSync(path.join(dir, MANIFEST_FILE_NAME), JSON.stringify({ ...manifest, model: modelName }, null, 2), {
    flag: "wx",
    mode: 0o644,
  });
  return { ok: true, manifest: { ...manifest, model: modelName }, dir };
}

function isZip(file: string): boolean {
  const fd = fs.openSync(file, "r");
  try {
    const head = Buffer.alloc(4);
    fs.readSync(fd, head, 0, 4, 0);
    return head.equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])) || head.equals(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  } finally {
    fs.closeSync(fd);
  }
}
