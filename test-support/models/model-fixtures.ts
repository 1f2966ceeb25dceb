import fs from "node:fs";
import path from "node:path";
import { onnx } from "onnx-proto";
import { ATTRIBUTES, CLASSES, IMAGE_BYTES, IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH, type Attribute } from "@/lib/challenge/definition";
import type { Manifest } from "../../lib/models/manifest";
import { craftZip } from "./craft-zip";

/**
 * Test-only builders of tiny models whose predictions are known exactly. Every model computes
 * the per-channel mean of the (preprocessed) image and applies one linear layer per attribute,
 * with weights chosen so that, on solid-colour images:
 *   Gender     = female if R > 0.5, else male
 *   Hair_Color = black/blond/brown/gray/bald for G in [0,.2) [.2,.4) [.4,.6) [.6,.8) [.8,1]
 *   Hair_Type  = straight/wavy/bald for B in [0,1/3) [1/3,2/3) [2/3,1]
 * (R, G, B = byte / 255). The weights are mapped through the manifest's preprocessing and class
 * order, so a model with BGR input, odd mean/std and permuted classes predicts the same labels.
 */

type Rgb = [number, number, number];

/** Raw-space logits per canonical class: slope and intercept on one RGB channel. */
const RULES: Record<Attribute, { channel: number; slope: number[]; intercept: number[] }> = {
  Gender: { channel: 0, slope: [1, 0], intercept: [0, 0.5] },
  Hair_Color: { channel: 1, slope: [0, 1, 2, 3, 4], intercept: [0, -0.2, -0.6, -1.2, -2.0] },
  Hair_Type: { channel: 2, slope: [0, 1, 2], intercept: [0, -1 / 3, -1] },
};
const BOUNDARIES = [[0.5], [0.2, 0.4, 0.6, 0.8], [1 / 3, 2 / 3]];

/** Expected labels of a solid-colour image. */
export function expectedLabels(rgb: Rgb): Record<Attribute, string> {
  const out = {} as Record<Attribute, string>;
  for (const attr of ATTRIBUTES) {
    const r = RULES[attr];
    const x = rgb[r.channel] / 255;
    let best = 0;
    for (let k = 1; k < r.slope.length; k++) if (r.slope[k] * x + r.intercept[k] > r.slope[best] * x + r.intercept[best]) best = k;
    out[attr] = CLASSES[attr][best];
  }
  return out;
}

/** Deterministic colours whose channel values keep clear of every decision boundary. */
export function safeColors(n: number, seed = 1): Rgb[] {
  let s = seed >>> 0;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const pick = (channel: number) => {
    for (;;) {
      const v = Math.floor(rand() * 256);
      if (BOUNDARIES[channel].every((b) => Math.abs(v / 255 - b) > 0.03)) return v;
    }
  };
  return Array.from({ length: n }, () => [pick(0), pick(1), pick(2)] as Rgb);
}

export const HIDDEN_SECRET = "Image_Id,Gender,Hair_Color,Hair_Type\nSECRET-LABELS-MUST-NOT-LEAK,female,blond,wavy\n";

/**
 * Writes `<root>/cache/test.u8` + `test.json` (the tensor cache format of the platform) and a
 * sibling `<root>/hidden/test-labels.csv` holding a secret the sandbox must never read.
 */
export function writeTestCache(root: string, colors: Rgb[]): { cacheDir: string; hiddenFile: string; ids: string[] } {
  const cacheDir = path.join(root, "cache");
  const hiddenDir = path.join(root, "hidden");
  fs.mkdirSync(cacheDir, { recursive: true });
  fs.mkdirSync(hiddenDir, { recursive: true });
  const pixels = Buffer.alloc(colors.length * IMAGE_BYTES);
  colors.forEach((c, i) => {
    for (let p = 0; p < IMAGE_HEIGHT * IMAGE_WIDTH; p++) {
      const o = i * IMAGE_BYTES + p * IMAGE_CHANNELS;
      pixels[o] = c[0];
      pixels[o + 1] = c[1];
      pixels[o + 2] = c[2];
    }
  });
  const ids = colors.map((_, i) => `t${String(i).padStart(5, "0")}x${((i * 2654435761) >>> 0).toString(36)}`);
  fs.writeFileSync(path.join(cacheDir, "test.u8"), pixels);
  fs.writeFileSync(
    path.join(cacheDir, "test.json"),
    JSON.stringify({ count: colors.length, height: IMAGE_HEIGHT, width: IMAGE_WIDTH, channels: IMAGE_CHANNELS, ids }),
  );
  const hiddenFile = path.join(hiddenDir, "test-labels.csv");
  fs.writeFileSync(hiddenFile, HIDDEN_SECRET);
  return { cacheDir, hiddenFile, ids };
}

export type HeadClasses = Record<Attribute, string[]>;

export const CANONICAL_CLASSES: HeadClasses = {
  Gender: [...CLASSES.Gender],
  Hair_Color: [...CLASSES.Hair_Color],
  Hair_Type: [...CLASSES.Hair_Type],
};

/** A class order different from the canonical one, to prove the mapping goes through the manifest. */
export const PERMUTED_CLASSES: HeadClasses = {
  Gender: ["male", "female"],
  Hair_Color: ["gray", "black", "bald", "blond", "brown"],
  Hair_Type: ["wavy", "bald", "straight"],
};

/**
 * Weights of one head in the model's input space: W is [3 model channels][K classes] and b is [K],
 * both in the head's class order, for features f = per-channel mean of the preprocessed input.
 */
export function headWeights(input: Manifest["input"], attr: Attribute, classes: string[]): { W: number[][]; b: number[] } {
  const rule = RULES[attr];
  const srcOf = input.channelOrder === "BGR" ? [2, 1, 0] : [0, 1, 2];
  const j = srcOf.indexOf(rule.channel); // model channel holding the rule's RGB channel
  const W = [0, 1, 2].map(() => classes.map(() => 0));
  const b = classes.map(() => 0);
  classes.forEach((cls, col) => {
    const k = (CLASSES[attr] as readonly string[]).indexOf(cls);
    // x = (f * std + mean) / (255 * scale)  =>  slope*x + intercept is linear in f.
    const denom = 255 * input.scale;
    W[j][col] = (rule.slope[k] * input.std[j]) / denom;
    b[col] = (rule.slope[k] * input.mean[j]) / denom + rule.intercept[k];
  });
  return { W, b };
}

export function makeManifest(format: Manifest["format"], overrides: Partial<Manifest> & { classes?: HeadClasses } = {}): Manifest {
  const classes = overrides.classes ?? CANONICAL_CLASSES;
  const base: Manifest = {
    format,
    model: format === "onnx" ? "model.onnx" : "model.json",
    input:
      format === "onnx"
        ? { layout: "NCHW", scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], channelOrder: "RGB" }
        : { layout: "NHWC", scale: 1 / 127.5, mean: [1, 1, 1], std: [1, 1, 1], channelOrder: "RGB" },
    outputs: {
      Gender: { output: 0, classes: classes.Gender },
      Hair_Color: { output: 1, classes: classes.Hair_Color },
      Hair_Type: { output: 2, classes: classes.Hair_Type },
    },
  };
  const { classes: _ignored, ...rest } = overrides;
  return { ...base, ...rest };
}

// ---------------------------------------------------------------------------------- ONNX

export type OnnxFault =
  "nan" | "wrong-width" | "loop-forever" | "memory" | "custom-domain" | "unknown-op" | "external-data" | "huge-initializer";

export interface OnnxModelOptions {
  manifest: Manifest;
  /** One [N,10] output sliced by the manifest, or one output per head. */
  heads: "sliced" | "separate";
  fault?: OnnxFault;
  /** Fixed batch dimension of the input (exported without dynamic axes). */
  fixedBatch?: number;
  inputName?: string;
}

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

function valueInfo(name: string, dims: (number | string)[], elemType = FLOAT): onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === "string" ? { dimParam: d } : { dimValue: d })) } } },
  };
}

function floatTensor(name: string, dims: number[], values: number[]): onnx.ITensorProto {
  return { name, dims, dataType: FLOAT, floatData: values };
}

export const HEAD_NAMES: Record<Attribute, string> = { Gender: "gender", Hair_Color: "hair_color", Hair_Type: "hair_type" };

/** Manifest outputs for a model built with `heads`. */
export function onnxOutputs(manifest: Manifest, heads: "sliced" | "separate"): Manifest["outputs"] {
  let start = 0;
  const out = {} as Manifest["outputs"];
  for (const attr of ATTRIBUTES) {
    const classes = manifest.outputs[attr].classes;
    out[attr] =
      heads === "sliced" ? { output: "logits", classes, slice: [start, start + classes.length] } : { output: HEAD_NAMES[attr], classes };
    start += classes.length;
  }
  return out;
}

export function buildOnnxModel(options: OnnxModelOptions): Buffer {
  const { manifest, heads, fault } = options;
  const x = options.inputName ?? "pixels";
  const batch: number | string = options.fixedBatch ?? "N";
  const nodes: onnx.INodeProto[] = [];
  const inits: onnx.ITensorProto[] = [];
  const outputs: onnx.IValueInfoProto[] = [];
  const opsets: onnx.IOperatorSetIdProto[] = [{ domain: "", version: 13 }];

  // Per-channel mean over H and W: [N, 3].
  nodes.push({
    opType: "ReduceMean",
    input: [x],
    output: ["feats"],
    attribute: [
      { name: "axes", type: onnx.AttributeProto.AttributeType.INTS, ints: [2, 3] },
      { name: "keepdims", type: onnx.AttributeProto.AttributeType.INT, i: 0 },
    ],
  });

  const headData = ATTRIBUTES.map((attr) => {
    const { W, b } = headWeights(manifest.input, attr, manifest.outputs[attr].classes);
    if (fault === "nan" && attr === "Gender") b[0] = NaN;
    if (fault === "wrong-width" && attr === "Hair_Color") {
      W.forEach((row) => row.pop());
      b.pop();
    }
    return { attr, W, b, k: b.length };
  });

  let genderFeed = "feats";
  if (fault === "loop-forever") {
    // Loop(M = 10^15, cond = true) { v = v + 1 }: never finishes; its result feeds a head.
    inits.push({ name: "trip", dims: [], dataType: INT64, int64Data: [1e15] });
    inits.push({ name: "cond0", dims: [], dataType: onnx.TensorProto.DataType.BOOL, int32Data: [1] });
    inits.push(floatTensor("v0", [], [0]));
    inits.push(floatTensor("one", [], [1]));
    inits.push(floatTensor("zero", [], [0]));
    const body: onnx.IGraphProto = {
      name: "body",
      input: [valueInfo("i", [], INT64), valueInfo("c", [], onnx.TensorProto.DataType.BOOL), valueInfo("v", [])],
      output: [valueInfo("c_out", [], onnx.TensorProto.DataType.BOOL), valueInfo("v_out", [])],
      node: [
        { opType: "Identity", input: ["c"], output: ["c_out"] },
        { opType: "Add", input: ["v", "one"], output: ["v_out"] },
      ],
    };
    nodes.push({
      opType: "Loop",
      input: ["trip", "cond0", "v0"],
      output: ["v_final"],
      attribute: [{ name: "body", type: onnx.AttributeProto.AttributeType.GRAPH, g: body }],
    });
    nodes.push({ opType: "Mul", input: ["v_final", "zero"], output: ["v_zero"] });
    nodes.push({ opType: "Add", input: ["feats", "v_zero"], output: ["feats_loop"] });
    genderFeed = "feats_loop";
  }
  if (fault === "memory") {
    // Tile the batch 16x16 (about 1.8 GB for 64 images) before averaging it away.
    inits.push({ name: "reps", dims: [4], dataType: INT64, int64Data: [1, 1, 16, 16] });
    inits.push(floatTensor("zero", [], [0]));
    nodes.push({ opType: "Tile", input: [x, "reps"], output: ["tiled"] });
    nodes.push({
      opType: "ReduceMean",
      input: ["tiled"],
      output: ["tiled_mean"],
      attribute: [{ name: "keepdims", type: onnx.AttributeProto.AttributeType.INT, i: 0 }],
    });
    nodes.push({ opType: "Mul", input: ["tiled_mean", "zero"], output: ["tiled_zero"] });
    nodes.push({ opType: "Add", input: ["feats", "tiled_zero"], output: ["feats_mem"] });
    genderFeed = "feats_mem";
  }

  if (heads === "sliced") {
    const total = headData.reduce((s, h) => s + h.k, 0);
    const W = [0, 1, 2].map((r) => headData.flatMap((h) => h.W[r]));
    inits.push(
      floatTensor("W_all", [3, total], W.flat()),
      floatTensor(
        "b_all",
        [total],
        headData.flatMap((h) => h.b),
      ),
    );
    nodes.push({ opType: "MatMul", input: [genderFeed, "W_all"], output: ["mm"] });
    nodes.push({ opType: "Add", input: ["mm", "b_all"], output: ["logits"] });
    outputs.push(valueInfo("logits", [batch, total]));
  } else {
    for (const h of headData) {
      const name = HEAD_NAMES[h.attr];
      inits.push(floatTensor(`W_${name}`, [3, h.k], h.W.flat()), floatTensor(`b_${name}`, [h.k], h.b));
      nodes.push({ opType: "MatMul", input: [h.attr === "Gender" ? genderFeed : "feats", `W_${name}`], output: [`mm_${name}`] });
      nodes.push({ opType: "Add", input: [`mm_${name}`, `b_${name}`], output: [name] });
      // Symbolic class dims: a wrong width must be caught at run time, not by the static check.
      outputs.push(valueInfo(name, [batch, fault === "wrong-width" ? `K_${name}` : h.k]));
    }
  }

  if (fault === "custom-domain") {
    opsets.push({ domain: "com.example.evil", version: 1 });
    nodes.push({ opType: "StealLabels", domain: "com.example.evil", input: ["feats"], output: ["stolen"] });
  }
  if (fault === "unknown-op") nodes.push({ opType: "FrobnicateImage", input: ["feats"], output: ["frob"] });
  if (fault === "external-data") {
    inits.push({
      name: "leak",
      dims: [16],
      dataType: FLOAT,
      dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: [{ key: "location", value: "../hidden/test-labels.csv" }],
    });
  }
  if (fault === "huge-initializer") inits.push({ name: "huge", dims: [1_000_000_000, 2], dataType: FLOAT });

  const shape =
    manifest.input.layout === "NCHW"
      ? [batch, IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH]
      : [batch, IMAGE_HEIGHT, IMAGE_WIDTH, IMAGE_CHANNELS];
  const model: onnx.IModelProto = {
    irVersion: 8,
    producerName: "tiny-portraits-tests",
    opsetImport: opsets,
    graph: { name: "tiny", input: [valueInfo(x, shape)], output: outputs, initializer: inits, node: nodes },
  };
  return Buffer.from(onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish());
}

/** Writes an extracted ONNX bundle (model.onnx + manifest.json) into `dir`. */
export function writeOnnxBundle(dir: string, options: OnnxModelOptions): Manifest {
  fs.mkdirSync(dir, { recursive: true });
  const manifest: Manifest = { ...options.manifest, outputs: onnxOutputs(options.manifest, options.heads) };
  if (options.inputName) manifest.input = { ...manifest.input, name: options.inputName };
  fs.writeFileSync(path.join(dir, "model.onnx"), buildOnnxModel({ ...options, manifest }));
  fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));
  return manifest;
}

// ---------------------------------------------------------------------------------- tfjs

/**
 * A tfjs-layers model (input -> GlobalAveragePooling2D -> three Dense heads) built and saved with
 * tfjs itself through a custom IO handler, as a participant's training script would.
 */
export async function writeLayersBundle(dir: string, manifest: Manifest): Promise<Manifest> {
  const tf = await import("@tensorflow/tfjs-core");
  await import("@tensorflow/tfjs-backend-cpu");
  const tfl = await import("@tensorflow/tfjs-layers");
  await tf.setBackend("cpu");
  const shape =
    manifest.input.layout === "NHWC" ? [IMAGE_HEIGHT, IMAGE_WIDTH, IMAGE_CHANNELS] : [IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH];
  const input = tfl.input({ shape, name: "pixels" });
  const pooled = tfl.layers
    .globalAveragePooling2d({ dataFormat: manifest.input.layout === "NHWC" ? "channelsLast" : "channelsFirst" })
    .apply(input) as import("@tensorflow/tfjs-layers").SymbolicTensor;
  const outputs = ATTRIBUTES.map(
    (attr) =>
      tfl.layers
        .dense({ units: manifest.outputs[attr].classes.length, name: HEAD_NAMES[attr] })
        .apply(pooled) as import("@tensorflow/tfjs-layers").SymbolicTensor,
  );
  const model = tfl.model({ inputs: input, outputs });
  for (const attr of ATTRIBUTES) {
    const { W, b } = headWeights(manifest.input, attr, manifest.outputs[attr].classes);
    model.getLayer(HEAD_NAMES[attr]).setWeights([tf.tensor2d(W), tf.tensor1d(b)]);
  }
  await saveLayersModel(model, dir);
  const out: Manifest = {
    ...manifest,
    outputs: Object.fromEntries(
      ATTRIBUTES.map((attr, i) => [
        attr,
        { output: attr === "Hair_Color" ? HEAD_NAMES[attr] : i, classes: manifest.outputs[attr].classes },
      ]),
    ) as Manifest["outputs"],
  };
  fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(out, null, 2));
  return out;
}

/** Saves a tfjs LayersModel as model.json + weights.bin in `dir`, as tfjs's own file handler would. */
export async function saveLayersModel(model: import("@tensorflow/tfjs-layers").LayersModel, dir: string): Promise<void> {
  const tf = await import("@tensorflow/tfjs-core");
  fs.mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = Buffer.from(artifacts.weightData as ArrayBuffer);
      fs.writeFileSync(path.join(dir, "weights.bin"), weights);
      const modelJson = {
        format: "layers-model",
        generatedBy: artifacts.generatedBy,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs }],
      };
      fs.writeFileSync(path.join(dir, "model.json"), JSON.stringify(modelJson));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON", weightDataBytes: weights.length } };
    }),
  );
}

/**
 * A tfjs graph model written by hand in the converter's format: Mean over H,W -> MatMul -> AddV2
 * -> Identity, weights in Const nodes backed by weights.bin. One [N,10] output sliced per head.
 */
export function writeGraphBundle(
  dir: string,
  manifest: Manifest,
  options: { printMessage?: string; tileMultiples?: number } = {},
): Manifest {
  if (manifest.input.layout !== "NHWC") throw new Error("graph fixture is NHWC");
  const heads = ATTRIBUTES.map((attr) => headWeights(manifest.input, attr, manifest.outputs[attr].classes));
  const total = heads.reduce((s, h) => s + h.b.length, 0);
  const W = [0, 1, 2].flatMap((r) => heads.flatMap((h) => h.W[r]));
  const b = heads.flatMap((h) => h.b);
  const axes = new Int32Array([1, 2]);
  const tile = options.tileMultiples ?? 0;
  const multiples = new Int32Array([1, tile, tile, 1]);
  const weights = Buffer.concat([
    Buffer.from(axes.buffer),
    Buffer.from(new Float32Array(W).buffer),
    Buffer.from(new Float32Array(b).buffer),
    ...(tile ? [Buffer.from(multiples.buffer)] : []),
  ]);
  const f = { type: "DT_FLOAT" };
  const constNode = (name: string, dtype: string, dims: number[]) => ({
    name,
    op: "Const",
    attr: { dtype: { type: dtype }, value: { tensor: { dtype, tensorShape: { dim: dims.map((d) => ({ size: String(d) })) } } } },
  });
  const modelJson = {
    format: "graph-model",
    generatedBy: "tiny-portraits-tests",
    convertedBy: "hand",
    modelTopology: {
      node: [
        {
          name: "pixels",
          op: "Placeholder",
          attr: {
            dtype: f,
            shape: {
              shape: {
                dim: [{ size: "-1" }, { size: String(IMAGE_HEIGHT) }, { size: String(IMAGE_WIDTH) }, { size: String(IMAGE_CHANNELS) }],
              },
            },
          },
        },
        constNode("axes", "DT_INT32", [2]),
        constNode("W", "DT_FLOAT", [3, total]),
        constNode("b", "DT_FLOAT", [total]),
        // Optional memory bomb: tile the batch before averaging (the mean is unchanged).
        ...(tile
          ? [
              constNode("multiples", "DT_INT32", [4]),
              { name: "tiled", op: "Tile", input: ["pixels", "multiples"], attr: { T: f, Tmultiples: { type: "DT_INT32" } } },
            ]
          : []),
        {
          name: "feats",
          op: "Mean",
          input: [tile ? "tiled" : "pixels", "axes"],
          attr: { T: f, Tidx: { type: "DT_INT32" }, keep_dims: { b: false } },
        },
        { name: "mm", op: "MatMul", input: ["feats", "W"], attr: { T: f, transpose_a: { b: false }, transpose_b: { b: false } } },
        { name: "logits", op: "AddV2", input: ["mm", "b"], attr: { T: f } },
        ...(options.printMessage === undefined
          ? [{ name: "out", op: "Identity", input: ["logits"], attr: { T: f } }]
          : [
              // tf.print() in the graph: logs `message` on every batch (a log-spam model).
              {
                name: "out",
                op: "Print",
                input: ["logits", "logits"],
                attr: {
                  T: f,
                  U: { list: { type: ["DT_FLOAT"] } },
                  message: { s: Buffer.from(options.printMessage).toString("base64") },
                  summarize: { i: "3" },
                  first_n: { i: "-1" },
                },
              },
            ]),
      ],
      library: {},
      versions: { producer: 1 },
    },
    weightsManifest: [
      {
        paths: ["group1-shard1of1.bin"],
        weights: [
          { name: "axes", shape: [2], dtype: "int32" },
          { name: "W", shape: [3, total], dtype: "float32" },
          { name: "b", shape: [total], dtype: "float32" },
          ...(tile ? [{ name: "multiples", shape: [4], dtype: "int32" }] : []),
        ],
      },
    ],
  };
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "group1-shard1of1.bin"), weights);
  fs.writeFileSync(path.join(dir, "model.json"), JSON.stringify(modelJson));
  let start = 0;
  const outputs = {} as Manifest["outputs"];
  for (const attr of ATTRIBUTES) {
    const classes = manifest.outputs[attr].classes;
    outputs[attr] = { output: attr === "Gender" ? 0 : "out", classes, slice: [start, start + classes.length] };
    start += classes.length;
  }
  const out: Manifest = { ...manifest, outputs };
  fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(out, null, 2));
  return out;
}

/** Zips an extracted bundle folder (flat) with the test zip writer. */
export function zipFolder(dir: string): Buffer {
  return craftZip(fs.readdirSync(dir).map((name) => ({ name, data: fs.readFileSync(path.join(dir, name)) })));
}
