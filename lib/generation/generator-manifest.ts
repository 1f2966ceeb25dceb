import { z } from "zod";
import { ATTRIBUTES, CLASSES } from "../challenge/definition";
import { formatJsonPath, MAX_MANIFEST_BYTES } from "../models/manifest";

/**
 * manifest.json of a generator submission (generation track): an ONNX model or a tfjs-layers
 * model ("format": "tfjs-layers", "model": "model.json", its weight files beside it), which input takes the
 * platform's latents, which (optional) input takes the requested attributes, which output holds
 * the images and in what layout and value range. Example:
 *
 *   { "format": "onnx", "model": "model.onnx",
 *     "latent": { "input": "z", "size": 64 },
 *     "condition": { "input": "attributes" },
 *     "output": { "name": "images", "layout": "NHWC", "range": "[-1,1]" } }
 *
 * The platform draws the latents (float32 [N, 64], standard normal, from the phase's seed) and,
 * for a conditional model, one-hot requested attributes (float32 [N, 10]: Gender, Hair_Color,
 * Hair_Type concatenated, each in the canonical class order of lib/challenge/definition.ts, drawn
 * from the train label distribution). The model returns [N, 108, 84, 3] (NHWC) or [N, 3, 108, 84]
 * (NCHW) floats in the declared range; the platform clips to the range and rounds to bytes.
 */

/** The latent size every generator takes: fixed so every submission of a phase gets the same inputs. */
export const GENERATOR_LATENT_SIZE = 64;
/** Width of the conditional input: the three one-hots side by side. */
export const CONDITION_SIZE = ATTRIBUTES.reduce((s, a) => s + CLASSES[a].length, 0);
/** ONNX (onnxruntime) or a tfjs-layers model (model.json + weight files, tfjs's wasm backend). */
export const GENERATOR_FORMATS = ["onnx", "tfjs-layers"] as const;
export const GENERATOR_RANGES = ["[-1,1]", "[0,1]", "[0,255]"] as const;
export type GeneratorRange = (typeof GENERATOR_RANGES)[number];
export const DEFAULT_GENERATOR_BATCH = 64;
/** 256 images of 84x108x3 float32 are 28 MB of output per batch: the sandbox's memory limit holds a few. */
export const MAX_GENERATOR_BATCH = 256;

const name = z.string().min(1, "must not be empty").max(256, "at most 256 characters");

export const generatorManifestSchema = z
  .object({
    format: z.enum(GENERATOR_FORMATS, {
      error: 'must be "onnx" or "tfjs-layers" (a tfjs graph model is not accepted: save the layers model)',
    }),
    model: z.string().min(1).max(256),
    latent: z
      .object({
        input: name,
        size: z.literal(GENERATOR_LATENT_SIZE, {
          error: `must be ${GENERATOR_LATENT_SIZE}: every generator gets [N, ${GENERATOR_LATENT_SIZE}] latents`,
        }),
      })
      .strict(),
    condition: z.object({ input: name }).strict().optional(),
    output: z
      .object({
        name: name.optional(),
        layout: z.enum(["NHWC", "NCHW"], { error: 'must be "NHWC" ([N, 108, 84, 3]) or "NCHW" ([N, 3, 108, 84])' }),
        range: z.enum(GENERATOR_RANGES, { error: `must be one of ${GENERATOR_RANGES.map((r) => JSON.stringify(r)).join(", ")}` }),
      })
      .strict(),
    batchSize: z.number().int().min(1).max(MAX_GENERATOR_BATCH).optional(),
    name: z.string().max(200).optional(),
    description: z.string().max(2000).optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    const onnx = m.format === "onnx";
    if (!(onnx ? /\.onnx$/i : /\.json$/i).test(m.model))
      ctx.addIssue({
        code: "custom",
        path: ["model"],
        message: onnx ? 'must name the .onnx file, like "model.onnx"' : 'must name the tfjs model.json, like "model.json"',
      });
    if (m.condition && m.condition.input === m.latent.input)
      ctx.addIssue({ code: "custom", path: ["condition", "input"], message: "must differ from latent.input" });
  });

export type GeneratorManifest = z.output<typeof generatorManifestSchema>;

export type ParseGeneratorManifestResult = { ok: true; manifest: GeneratorManifest } | { ok: false; errors: string[] };

/** Parses manifest text; every error names the JSON path and what was expected there. */
export function parseGeneratorManifest(text: string, source = "manifest.json"): ParseGeneratorManifestResult {
  if (text.length > MAX_MANIFEST_BYTES)
    return { ok: false, errors: [`${source}: ${text.length} characters; a manifest may be at most ${MAX_MANIFEST_BYTES / 1024} KB`] };
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    return { ok: false, errors: [`${source}: not valid JSON (${(e as Error).message})`] };
  }
  const parsed = generatorManifestSchema.safeParse(json);
  if (parsed.success) return { ok: true, manifest: parsed.data };
  return {
    ok: false,
    errors: parsed.error.issues.map((i) => {
      if (i.code === "unrecognized_keys")
        return `${source}: ${formatJsonPath(i.path)}: unknown field(s) ${i.keys.map((k) => JSON.stringify(k)).join(", ")}`;
      if (i.code === "invalid_type" && i.input === undefined)
        return `${source}: ${formatJsonPath(i.path)}: missing (expected ${i.expected})`;
      return `${source}: ${formatJsonPath(i.path)}: ${i.message}`;
    }),
  };
}

/** Scale and offset that map the declared range onto 0..255: byte = value * scale + offset. */
export function rangeToBytes(range: GeneratorRange): { scale: number; offset: number; min: number; max: number } {
  if (range === "[-1,1]") return { scale: 127.5, offset: 127.5, min: -1, max: 1 };
  if (range === "[0,1]") return { scale: 255, offset: 0, min: 0, max: 1 };
  return { scale: 1, offset: 0, min: 0, max: 255 };
}
