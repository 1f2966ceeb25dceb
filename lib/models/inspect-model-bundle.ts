import fs from "node:fs";
import { checkOnnxModel } from "./check-onnx-model";
import { checkTfjsModel, resolveWeightPath } from "./check-tfjs-model";
import { formatBytes, resolveLimits, type ModelBundleLimits } from "./limits";
import { MANIFEST_FILE_NAME, MAX_MANIFEST_BYTES, parseManifest, type Manifest, type ModelFormat } from "./manifest";
import { ModelZip, ZipLimitError } from "./model-zip";

/**
 * Validates an uploaded model (a zip with manifest.json, or a single .onnx plus a manifest given
 * separately) without extracting or running it. Every refusal is a sentence a participant can act
 * on, naming the file, entry or JSON path concerned.
 */

export interface ModelBundleEntry {
  /** Path inside the bundle (posix separators). */
  name: string;
  size: number;
}

export interface ModelBundle {
  format: ModelFormat;
  manifest: Manifest;
  /** Files of the bundle, relative to its root (for a bare .onnx: the model file only). */
  entries: ModelBundleEntry[];
}

export type InspectModelBundleResult = { ok: true; bundle: ModelBundle } | { ok: false; errors: string[] };

export interface InspectModelBundleOptions {
  /** Path of the uploaded file on disk. */
  file: string;
  /** Largest upload accepted, checked before anything is read. */
  maxBytes: number;
  limits?: Partial<ModelBundleLimits>;
  /** manifest.json text for a bare .onnx upload (zips carry their own). */
  manifestJson?: string;
}

export const BARE_ONNX_NEEDS_MANIFEST =
  "a single .onnx file needs a manifest: either upload a zip containing model.onnx and manifest.json, " +
  'or send the manifest JSON with the upload ({"format": "onnx", "model": "model.onnx", "input": {...}, "outputs": {...}})';

export async function inspectModelBundle(options: InspectModelBundleOptions): Promise<InspectModelBundleResult> {
  const opened = await openModelUpload(options);
  if (!opened.ok) return opened;
  try {
    return await inspectOpened(opened.upload, resolveLimits(options.limits));
  } finally {
    if (opened.upload.kind === "zip") opened.upload.zip.close();
  }
}

/** A tfjs model.json from a zip (at most maxJsonBytes, a BOM allowed), parsed; also used for tfjs generators. */
export async function readTfjsModelJson(
  zip: ModelZip,
  name: string,
  limits: Pick<ModelBundleLimits, "maxJsonBytes">,
): Promise<{ ok: true; text: string; json: unknown } | { ok: false; errors: string[] }> {
  const text = (await zip.readFile(name, limits.maxJsonBytes)).toString("utf8");
  try {
    return { ok: true, text, json: JSON.parse(text.replace(/^\uFEFF/, "")) };
  } catch (e) {
    return { ok: false, errors: [`${name}: not valid JSON (${(e as Error).message})`] };
  }
}

/** The upload is a non-empty file of at most `maxBytes` (checked before anything is read); shared with generator uploads. */
export function statUpload(file: string, maxBytes: number): { ok: true; size: number } | { ok: false; errors: string[] } {
  let size: number;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return { ok: false, errors: ["the upload is not a file"] };
    size = st.size;
  } catch (e) {
    return { ok: false, errors: [`cannot read the upload (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`] };
  }
  if (size > maxBytes) return { ok: false, errors: [`the upload is ${formatBytes(size)}; at most ${formatBytes(maxBytes)} are accepted`] };
  if (size === 0) return { ok: false, errors: ["the upload is empty"] };
  return { ok: true, size };
}

/** An upload whose container checks passed; shared with extractModelBundle. */
export type OpenedUpload =
  { kind: "zip"; zip: ModelZip; manifest: Manifest } | { kind: "onnx"; file: string; size: number; manifest: Manifest };

export async function openModelUpload(
  options: InspectModelBundleOptions,
): Promise<{ ok: true; upload: OpenedUpload } | { ok: false; errors: string[] }> {
  const limits = resolveLimits(options.limits);
  const stat = statUpload(options.file, options.maxBytes);
  if (!stat.ok) return stat;
  const size = stat.size;

  if (!isZipFile(options.file)) {
    if (options.manifestJson === undefined) return { ok: false, errors: [BARE_ONNX_NEEDS_MANIFEST] };
    if (size > limits.maxEntryBytes) {
      return { ok: false, errors: [`the model is ${formatBytes(size)}; one file may be at most ${formatBytes(limits.maxEntryBytes)}`] };
    }
    const parsed = parseManifest(options.manifestJson);
    if (!parsed.ok) return parsed;
    if (parsed.manifest.format !== "onnx") {
      return {
        ok: false,
        errors: [
          `manifest.json: format: a single uploaded file must be an ONNX model ("onnx"), not "${parsed.manifest.format}"; upload tfjs models as a zip`,
        ],
      };
    }
    const nameProblem = bareModelNameProblem(parsed.manifest.model);
    if (nameProblem) return { ok: false, errors: [nameProblem] };
    return { ok: true, upload: { kind: "onnx", file: options.file, size, manifest: parsed.manifest } };
  }

  const opened = await ModelZip.open(options.file, limits);
  if (!opened.ok) return opened;
  const zip = opened.zip;
  const fail = (errors: string[]) => {
    zip.close();
    return { ok: false as const, errors };
  };
  if (!zip.files.has(MANIFEST_FILE_NAME)) {
    const top = [...zip.files.keys()]
      .slice(0, 10)
      .map((n) => JSON.stringify(n))
      .join(", ");
    return fail([`manifest.json is missing at the top of the zip (it contains ${top || "no files"})`]);
  }
  if (options.manifestJson !== undefined) return fail(["a zip carries its own manifest.json; do not send another one"]);
  let text: string;
  try {
    text = (await zip.readFile(MANIFEST_FILE_NAME, Math.min(limits.maxJsonBytes, MAX_MANIFEST_BYTES))).toString("utf8");
  } catch (e) {
    return fail([e instanceof ZipLimitError ? e.message : `manifest.json: ${(e as Error).message}`]);
  }
  const parsed = parseManifest(text);
  if (!parsed.ok) return fail(parsed.errors);
  return { ok: true, upload: { kind: "zip", zip, manifest: parsed.manifest } };
}

async function inspectOpened(upload: OpenedUpload, limits: ModelBundleLimits): Promise<InspectModelBundleResult> {
  const manifest = upload.manifest;
  if (upload.kind === "onnx") {
    const bytes = fs.readFileSync(upload.file);
    const checked = checkOnnxModel({ bytes, manifest, limits, fileName: manifest.model });
    if (!checked.ok) return { ok: false, errors: checked.errors };
    return { ok: true, bundle: { format: "onnx", manifest, entries: [{ name: manifest.model, size: upload.size }] } };
  }

  const zip = upload.zip;
  const entries = [...zip.files.values()].map((e) => ({ name: e.name, size: e.size }));
  const problem = modelPathProblem(manifest.model);
  if (problem) return { ok: false, errors: [problem] };
  const modelEntry = zip.files.get(manifest.model);
  if (!modelEntry) {
    const candidates = entries.map((e) => e.name).filter((n) => /\.(onnx|json)$/.test(n) && n !== MANIFEST_FILE_NAME);
    return {
      ok: false,
      errors: [
        `manifest.json: model: "${manifest.model}" is not in the zip${candidates.length ? ` (model-like files: ${candidates.map((c) => JSON.stringify(c)).join(", ")})` : ""}`,
      ],
    };
  }
  const expectJson = manifest.format !== "onnx";
  if (expectJson !== manifest.model.endsWith(".json")) {
    return {
      ok: false,
      errors: [
        `manifest.json: model: a ${manifest.format} model is ${expectJson ? "a model.json file" : "an .onnx file"}, not "${manifest.model}"`,
      ],
    };
  }

  try {
    if (manifest.format === "onnx") {
      const bytes = await zip.readFile(manifest.model, limits.maxEntryBytes);
      const checked = checkOnnxModel({ bytes, manifest, limits, fileName: manifest.model });
      if (!checked.ok) return { ok: false, errors: checked.errors };
    } else {
      const read = await readTfjsModelJson(zip, manifest.model, limits);
      if (!read.ok) return read;
      const modelJson = read.json;
      const fileSizes = new Map(entries.map((e) => [e.name, e.size]));
      const checked = checkTfjsModel({ modelJson, modelPath: manifest.model, fileSizes, manifest, limits });
      if (!checked.ok) return { ok: false, errors: checked.errors };
    }
  } catch (e) {
    if (e instanceof ZipLimitError) return { ok: false, errors: [e.message] };
    return { ok: false, errors: [`the zip could not be read (${(e as Error).message})`] };
  }
  return { ok: true, bundle: { format: manifest.format, manifest, entries } };
}

/**
 * A bare .onnx is stored under the manifest's `model` name beside manifest.json, so that name
 * must be a plain file name ending in .onnx: not a path, and not the manifest's own name (which
 * failed later, at extraction, with EEXIST and a temp path).
 */
function bareModelNameProblem(model: string): string | undefined {
  const plain = !/[/\\\u0000-\u001f\u007f]/.test(model) && model !== "." && model !== "..";
  if (plain && model.toLowerCase().endsWith(".onnx")) return undefined;
  return `manifest.json: model: ${JSON.stringify(model)} cannot name a single uploaded .onnx file; use a plain file name ending in ".onnx", like "model.onnx"`;
}

/** The manifest's `model` must be a plain relative path inside the bundle, other than the manifest. */
function modelPathProblem(model: string): string | undefined {
  if (model.toLowerCase() === MANIFEST_FILE_NAME) {
    return `manifest.json: model: "${model}" is the manifest itself; name the model file, like "model.onnx" or "model.json"`;
  }
  const resolved = resolveWeightPath(".", model);
  if (!resolved || resolved !== model) {
    return `manifest.json: model: "${model}" must be a plain relative path inside the bundle, like "model.onnx" or "model.json"`;
  }
  return undefined;
}

/** True when the file starts like a zip (a local file header, or an empty zip's end record). */
export function isZipFile(file: string): boolean {
  const fd = fs.openSync(file, "r");
  try {
    const head = Buffer.alloc(4);
    fs.readSync(fd, head, 0, 4, 0);
    // Local file header, or the end-of-central-directory record of an empty zip.
    return head.equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])) || head.equals(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  } finally {
    fs.closeSync(fd);
  }
}
