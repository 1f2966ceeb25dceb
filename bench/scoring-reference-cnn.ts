/**
 * The reference CNN of the scoring benchmark (bench/scoring.ts): about 42 MFLOP per 108x84
 * image, the size of model the platform promises to score at 400 images/s or more.
 *
 *   conv3x3(3->12) relu maxpool2 -> conv3x3(12->32) relu maxpool2 -> conv3x3(32->64) relu
 *   -> global average pool -> dense(10) = [Gender 2 | Hair_Color 5 | Hair_Type 3] logits
 *
 * Built and saved with tfjs-layers (NHWC, as a TypeScript participant would), and the same
 * weights written as an ONNX graph in NCHW (as `torch.onnx.export` would give a PyTorch
 * participant), so the two runtimes run the same network and must agree on the predictions.
 */
import fs from "node:fs";
import path from "node:path";
import { onnx } from "onnx-proto";
import { ATTRIBUTES, CLASSES, IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH } from "../lib/challenge/definition";
import { saveLayersModel } from "../lib/ml/model-io";
import type { Manifest } from "../lib/models/manifest";

const CONVS = [12, 32, 64];
const HEAD_WIDTH = ATTRIBUTES.reduce((s, a) => s + CLASSES[a].length, 0);

/** Multiply-adds x 2 of the convolutions and the dense layer, per image. */
export function referenceCnnFlops(): number {
  let h = IMAGE_HEIGHT;
  let w = IMAGE_WIDTH;
  let cin = IMAGE_CHANNELS;
  let flops = 0;
  CONVS.forEach((cout, i) => {
    flops += 2 * 9 * cin * cout * h * w;
    cin = cout;
    if (i < CONVS.length - 1) {
      h = Math.floor(h / 2);
      w = Math.floor(w / 2);
    }
  });
  return flops + 2 * cin * HEAD_WIDTH;
}

function outputs(): Manifest["outputs"] {
  let start = 0;
  const out = {} as Manifest["outputs"];
  for (const attr of ATTRIBUTES) {
    const classes = [...CLASSES[attr]];
    out[attr] = { output: 0, classes, slice: [start, start + classes.length] };
    start += classes.length;
  }
  return out;
}

const INPUT = {
  scale: 1 / 255,
  mean: [0, 0, 0] as [number, number, number],
  std: [1, 1, 1] as [number, number, number],
  channelOrder: "RGB" as const,
};

/** Writes `<dir>/tfjs` (tfjs-layers bundle) and `<dir>/onnx` (ONNX bundle) with the same weights. */
export async function writeReferenceCnnBundles(
  dir: string,
  options: { batchSize?: number } = {},
): Promise<{ tfjsDir: string; onnxDir: string }> {
  const tf = await import("@tensorflow/tfjs-core");
  await import("@tensorflow/tfjs-backend-cpu");
  const tfl = await import("@tensorflow/tfjs-layers");
  await tf.setBackend("cpu");

  type Sym = import("@tensorflow/tfjs-layers").SymbolicTensor;
  const input = tfl.input({ shape: [IMAGE_HEIGHT, IMAGE_WIDTH, IMAGE_CHANNELS], name: "pixels" });
  let x: Sym = input;
  CONVS.forEach((filters, i) => {
    x = tfl.layers
      .conv2d({
        filters,
        kernelSize: 3,
        padding: "same",
        activation: "relu",
        kernelInitializer: tfl.initializers.heNormal({ seed: 11 + i }),
        name: `conv${i + 1}`,
      })
      .apply(x) as Sym;
    if (i < CONVS.length - 1) x = tfl.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `pool${i + 1}` }).apply(x) as Sym;
  });
  x = tfl.layers.globalAveragePooling2d({ name: "gap" }).apply(x) as Sym;
  const logits = tfl.layers
    .dense({
      units: HEAD_WIDTH,
      kernelInitializer: tfl.initializers.glorotNormal({ seed: 99 }),
      biasInitializer: tfl.initializers.randomNormal({ seed: 5, stddev: 0.1 }),
      name: "logits",
    })
    .apply(x) as Sym;
  const model = tfl.model({ inputs: input, outputs: logits });

  const tfjsDir = path.join(dir, "tfjs");
  const onnxDir = path.join(dir, "onnx");
  fs.mkdirSync(tfjsDir, { recursive: true });
  fs.mkdirSync(onnxDir, { recursive: true });
  // The same writer the baselines use, so the bench scores what participants and baselines submit.
  await saveLayersModel(model, tfjsDir, { manifest: false });

  // The two manifests differ only in format, file and layout: both bundles score the same way.
  const writeManifest = (folder: string, format: Manifest["format"], model: string, layout: Manifest["input"]["layout"]) => {
    const manifest: Manifest = {
      format,
      model,
      input: { layout, ...INPUT },
      outputs: outputs(),
      batchSize: options.batchSize,
      name: "reference CNN (bench)",
    };
    fs.writeFileSync(path.join(folder, "manifest.json"), JSON.stringify(manifest, null, 2));
  };
  writeManifest(tfjsDir, "tfjs-layers", "model.json", "NHWC");

  // Same weights as ONNX: conv kernels HWIO -> OIHW; the dense kernel [in, out] is Gemm's B.
  const weights = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const layer of model.layers) {
    const ws = layer.getWeights();
    if (ws.length === 0) continue;
    weights.set(`${layer.name}/kernel`, { shape: ws[0].shape, values: ws[0].dataSync() as Float32Array });
    weights.set(`${layer.name}/bias`, { shape: ws[1].shape, values: ws[1].dataSync() as Float32Array });
  }
  fs.writeFileSync(path.join(onnxDir, "model.onnx"), buildOnnx(weights));
  writeManifest(onnxDir, "onnx", "model.onnx", "NCHW");
  return { tfjsDir, onnxDir };
}

function buildOnnx(weights: Map<string, { shape: number[]; values: Float32Array }>): Buffer {
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const A = onnx.AttributeProto.AttributeType;
  const ints = (name: string, values: number[]) => ({ name, type: A.INTS, ints: values });
  const tensor = (name: string, dims: number[], values: Float32Array): onnx.ITensorProto => ({
    name,
    dims,
    dataType: FLOAT,
    rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
  });
  const nodes: onnx.INodeProto[] = [];
  const inits: onnx.ITensorProto[] = [];
  let x = "pixels";
  CONVS.forEach((cout, i) => {
    const k = weights.get(`conv${i + 1}/kernel`)!;
    const [kh, kw, cin] = k.shape;
    const oihw = new Float32Array(k.values.length);
    for (let h = 0; h < kh; h++)
      for (let w = 0; w < kw; w++)
        for (let ci = 0; ci < cin; ci++)
          for (let co = 0; co < cout; co++) oihw[((co * cin + ci) * kh + h) * kw + w] = k.values[((h * kw + w) * cin + ci) * cout + co];
    inits.push(tensor(`W${i + 1}`, [cout, cin, kh, kw], oihw), tensor(`B${i + 1}`, [cout], weights.get(`conv${i + 1}/bias`)!.values));
    nodes.push({
      opType: "Conv",
      input: [x, `W${i + 1}`, `B${i + 1}`],
      output: [`c${i + 1}`],
      attribute: [ints("kernel_shape", [3, 3]), ints("pads", [1, 1, 1, 1])],
    });
    nodes.push({ opType: "Relu", input: [`c${i + 1}`], output: [`r${i + 1}`] });
    x = `r${i + 1}`;
    if (i < CONVS.length - 1) {
      nodes.push({
        opType: "MaxPool",
        input: [x],
        output: [`p${i + 1}`],
        attribute: [ints("kernel_shape", [2, 2]), ints("strides", [2, 2])],
      });
      x = `p${i + 1}`;
    }
  });
  nodes.push({ opType: "GlobalAveragePool", input: [x], output: ["gap"] });
  nodes.push({ opType: "Flatten", input: ["gap"], output: ["flat"], attribute: [{ name: "axis", type: A.INT, i: 1 }] });
  const dk = weights.get("logits/kernel")!;
  inits.push(tensor("Wd", dk.shape, dk.values), tensor("Bd", [HEAD_WIDTH], weights.get("logits/bias")!.values));
  nodes.push({ opType: "Gemm", input: ["flat", "Wd", "Bd"], output: ["logits"] });
  const vi = (name: string, dims: (number | string)[]): onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => (typeof d === "string" ? { dimParam: d } : { dimValue: d })) } } },
  });
  const model: onnx.IModelProto = {
    irVersion: 8,
    producerName: "tiny-portraits-bench",
    opsetImport: [{ domain: "", version: 13 }],
    graph: {
      name: "reference_cnn",
      input: [vi("pixels", ["N", IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH])],
      output: [vi("logits", ["N", HEAD_WIDTH])],
      initializer: inits,
      node: nodes,
    },
  };
  return Buffer.from(onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish());
}
