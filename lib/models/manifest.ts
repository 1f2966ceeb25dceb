import { z } from "zod";
import { CLASSES, type Attribute } from "../challenge/definition";

/**
 * `manifest.json` of a model submission (docs/challenge.md): how to feed the model our
 * 108x84 RGB images and how to read the three attribute predictions out of its outputs.
 *
 * Pixels reach the model as `(pixel * scale - mean[c]) / std[c]`, where `pixel` is the
 * 0..255 byte and `c` indexes the channels *in the model's channel order* (after the RGB->BGR
 * swap when `channelOrder` is "BGR"). So a PyTorch model trained with
 * `Normalize(mean, std)` on `ToTensor()` images declares `scale: 1/255` and the same mean/std.
 */

export const MODEL_FORMATS = ["tfjs-layers", "tfjs-graph", "onnx"] as const;
export type ModelFormat = (typeof MODEL_FORMATS)[number];

export const MANIFEST_FILE_NAME = "manifest.json";
export const DEFAULT_BATCH_SIZE = 64;
export const MAX_BATCH_SIZE = 512;

const finite = z.number().refine(Number.isFinite, { message: "expected a finite number" });
const triple = (what: string, check: z.ZodType<number>) =>
  z.tuple([check, check, check], { error: `expected an array of 3 numbers (${what} per channel)` });

const headSchemaFor = (attr: Attribute) =>
  z
    .object({
      /** Output tensor: its name, or its position in the model's output list. */
      output: z.union(
        [
          z.string().min(1),
          z.number().int({ error: "expected an integer output index" }).min(0, { error: "expected an output index >= 0" }),
        ],
        {
          error: "expected an output name (non-empty string) or an output index (integer >= 0)",
        },
      ),
      /** Class names in the order of the output's last axis (a permutation of the canonical classes). */
      classes: z.array(z.string(), { error: "expected an array of class names" }).superRefine((classes, ctx) => {
        const expected: readonly string[] = CLASSES[attr];
        const problems = permutationProblems(classes, expected);
        if (problems) ctx.addIssue({ code: "custom", message: `expected a permutation of [${expected.join(", ")}]: ${problems}` });
      }),
      /**
       * Optional `[start, end)` range of the output's class axis, so one tensor can hold several
       * heads (e.g. a single `[N, 10]` output: gender 0..2, hair colour 2..7, hair type 7..10).
       */
      slice: z
        .tuple([z.number().int().min(0), z.number().int().min(1)], {
          error: "expected [start, end] (two integers, end exclusive)",
        })
        .optional(),
    })
    .strict()
    .superRefine((head, ctx) => {
      if (!head.slice) return;
      const [start, end] = head.slice;
      if (end - start !== head.classes.length) {
        ctx.addIssue({
          code: "custom",
          path: ["slice"],
          message: `[${start}, ${end}] covers ${end - start} values but ${head.classes.length} classes are listed`,
        });
      }
    });

export const manifestSchema = z
  .object({
    format: z.enum(MODEL_FORMATS, { error: `expected one of ${MODEL_FORMATS.map((f) => `"${f}"`).join(", ")}` }),
    /** Entry file of the model inside the bundle: `model.json` (tfjs) or `model.onnx`. */
    model: z.string({ error: "expected the model file name (a string)" }).min(1),
    input: z
      .object({
        /** Input name (ONNX / tfjs-graph); optional when the model has exactly one input. */
        name: z.string().min(1).optional(),
        layout: z.enum(["NHWC", "NCHW"], { error: 'expected "NHWC" (tfjs, Keras) or "NCHW" (PyTorch)' }),
        scale: finite.refine((v) => v > 0, { message: "expected a positive number, e.g. 0.00392156862745098 (1/255)" }),
        mean: triple("mean", finite),
        std: triple(
          "std",
          finite.refine((v) => v > 0, { message: "expected a positive number" }),
        ),
        channelOrder: z.enum(["RGB", "BGR"], { error: 'expected "RGB" or "BGR"' }).default("RGB"),
      })
      .strict(),
    outputs: z
      .object({ Gender: headSchemaFor("Gender"), Hair_Color: headSchemaFor("Hair_Color"), Hair_Type: headSchemaFor("Hair_Type") })
      .strict(),
    batchSize: z.number().int().min(1).max(MAX_BATCH_SIZE).optional(),
    /** Free-text metadata, shown to organizers only. */
    name: z.string().max(200).optional(),
    description: z.string().max(2000).optional(),
  })
  .strict();

export type Manifest = z.output<typeof manifestSchema>;
export type ManifestHead = Manifest["outputs"][Attribute];

function permutationProblems(got: string[], expected: readonly string[]): string | undefined {
  const out: string[] = [];
  const seen = new Set<string>();
  const dup = got.filter((c) => (seen.has(c) ? true : (seen.add(c), false)));
  if (dup.length) out.push(`duplicate ${quoteList(dup)}`);
  const missing = expected.filter((c) => !got.includes(c));
  if (missing.length) out.push(`missing ${quoteList(missing)}`);
  const unexpected = got.filter((c) => !expected.includes(c));
  if (unexpected.length) out.push(`unexpected ${quoteList(unexpected)}`);
  return out.length ? out.join("; ") : undefined;
}

const quoteList = (xs: string[]) => [...new Set(xs)].map((x) => JSON.stringify(x)).join(", ");

/** `outputs.Gender.classes[1]` style path, the way a participant reads their JSON. */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || "(root)";
}

export type ParseManifestResult = { ok: true; manifest: Manifest } | { ok: false; errors: string[] };

/** Parses manifest text; every error names the JSON path and what was expected there. */
/** A manifest is about 1 KB; more is not a manifest, and parsing 20 MB of JSON would stall the web server. */
export const MAX_MANIFEST_BYTES = 64 * 1024;

export function parseManifest(text: string, source = MANIFEST_FILE_NAME): ParseManifestResult {
  if (text.length > MAX_MANIFEST_BYTES) {
    return {
      ok: false,
      errors: [
        `${source}: ${text.length.toLocaleString("en-US")} characters; a manifest is about 1 KB and may be at most ${MAX_MANIFEST_BYTES / 1024} KB`,
      ],
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    return { ok: false, errors: [`${source}: not valid JSON (${(e as Error).message})`] };
  }
  return validateManifest(json, source);
}

export function validateManifest(json: unknown, source = MANIFEST_FILE_NAME): ParseManifestResult {
  const parsed = manifestSchema.safeParse(json);
  if (parsed.success) return { ok: true, manifest: parsed.data };
  return {
    ok: false,
    errors: parsed.error.issues.map((i) => `${source}: ${formatJsonPath(i.path)}: ${issueMessage(i)}`),
  };
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") return `unknown field(s) ${quoteList(issue.keys)}`;
  if (issue.code === "invalid_type" && / received undefined$/.test(issue.message)) {
    return `missing (expected ${issue.expected})`;
  }
  return issue.message;
}
