import fs from "node:fs";
import path from "node:path";
import { checkOnnxModel } from "../models/check-onnx-model";
import { formatBytes, resolveLimits, type ModelBundleLimits } from "../models/limits";
import { isZipFile, readTfjsModelJson, statUpload } from "../models/inspect-model-bundle";
import { MANIFEST_FILE_NAME } from "../models/manifest";
import { ModelZip, ZipLimitError } from "../models/model-zip";
import { checkGeneratorIo } from "./check-generator-io";
import { checkGeneratorTfjs } from "./check-generator-tfjs";
import { parseGeneratorManifest, type GeneratorManifest } from "./generator-manifest";

/**
 * Checks a generator upload (a zip with manifest.json and the .onnx or the tfjs-layers model.json
 * and its weight files, or a bare .onnx with the manifest given separately) with the same
 * container limits as classification models (entry count, sizes, compression ratio, names:
 * lib/models/model-zip.ts) and, when `destDir` is given, extracts the model's files and
 * manifest.json there for the sandbox. Every refusal names the file or JSON path concerned.
 * Nothing is run.
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
  const stat = statUpload(options.file, maxBytes);
  if (!stat.ok) return stat;
  const size = stat.size;

  /** The model's files to extract: name in the bundle -> bytes. */
  const files = new Map<string, Uint8Array>();
  let manifest: GeneratorManifest;
  if (!isZipFile(options.file)) {
    if (options.manifestJson === undefined)
      return {
        ok: false,
        errors: ["a single .onnx generator needs a manifest: upload a zip with model.onnx and manifest.json, or send the manifest with it"],
      };
    if (size > limits.maxEntryBytes)
      return { ok: false, errors: [`the model is ${formatBytes(size)}; one file may be at most ${formatBytes(limits.maxEntryBytes)}`] };
    const parsed = parseGeneratorManifest(options.manifestJson);
    if (!parsed.ok) return parsed;
    manifest = parsed.manifest;
    if (manifest.format !== "onnx")
      return {
        ok: false,
        errors: [`manifest.json: format: a single uploaded file must be an ONNX generator; upload a ${manifest.format} model as a zip`],
      };
    if (manifest.model.includes("/"))
      return {
        ok: false,
        errors: [`manifest.json: model: ${JSON.stringify(manifest.model)} must be a plain file name for a single uploaded .onnx`],
      };
    files.set(manifest.model, fs.readFileSync(options.file));
  } else {
    const opened = await ModelZip.open(options.file, limits);
    if (!opened.ok) return opened;
    const zip = opened.zip;
    try {
      if (options.manifestJson !== undefined)
        return { ok: false, errors: ["a zip carries its own manifest.json; do not send another one"] };
      if (!zip.files.has(MANIFEST_FILE_NAME)) return { ok: false, errors: ["manifest.json is missing at the top of the zip"] };
      const parsed = parseGeneratorManifest(
        (await zip.readFile(MANIFEST_FILE_NAME, Math.min(limits.maxJsonBytes, 64 * 1024))).toString("utf8"),
      );
      if (!parsed.ok) return parsed;
      manifest = parsed.manifest;
      if (!zip.files.has(manifest.model))
        return {
          ok: false,
          errors: [
            `manifest.json: model: "${manifest.model}" is not in the zip (it has ${[...zip.files.keys()]
              .map((k) => JSON.stringify(k))
              .slice(0, 10)
              .join(", ")})`,
          ],
        };
      if (manifest.format === "onnx") files.set(manifest.model, await zip.readFile(manifest.model, limits.maxEntryBytes));
      else {
        const read = await readTfjsModelJson(zip, manifest.model, limits);
        if (!read.ok) return read;
        const fileSizes = new Map([...zip.files.values()].map((e) => [e.name, e.size]));
        const checked = checkGeneratorTfjs({ modelJson: read.json, fileSizes, manifest, limits });
        if (checked.errors.length) return { ok: false, errors: checked.errors };
        files.set(manifest.model, Buffer.from(read.text));
        for (const w of checked.weightFiles) files.set(w, await zip.readFile(w, limits.maxEntryBytes));
      }
    } catch (e) {
      return { ok: false, errors: [e instanceof ZipLimitError ? e.message : `the zip could not be read (${(e as Error).message})`] };
    } finally {
      zip.close();
    }
  }
  if (manifest.format === "onnx") {
    const checked = checkOnnxModel({ bytes: files.get(manifest.model)!, manifest: null, limits, fileName: manifest.model });
    if (!checked.ok) return { ok: false, errors: checked.errors };
    const io = checkGeneratorIo(checked.summary, manifest);
    if (io.errors.length) return { ok: false, errors: io.errors };
  }
  if (!options.destDir) return { ok: true, manifest };

  // Only the files the sandbox needs are written (the model, a tfjs model's weight files, the
  // manifest): whatever else a zip holds stays unread. Names were checked by ModelZip.
  const dir = path.resolve(options.destDir);
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  if (fs.readdirSync(dir).length > 0) return { ok: false, errors: [`internal: extraction folder ${dir} is not empty`] };
  for (const [name, bytes] of files) {
    const target = path.join(dir, ...name.split("/"));
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o755 });
    fs.writeFileSync(target, bytes, { flag: "wx", mode: 0o644 });
  }
  fs.writeFileSync(path.join(dir, MANIFEST_FILE_NAME), JSON.stringify(manifest, null, 2), { flag: "wx", mode: 0o644 });
  return { ok: true, manifest, dir };
}
