import { CLASSES, IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH } from "@/lib/challenge/definition";
import type { FeatureNetworkBundle } from "@/lib/generation/feature-network-bundle";
import { CONDITION_SIZE, GENERATOR_LATENT_SIZE, type GeneratorManifest } from "@/lib/generation/generator-manifest";
import { OnnxGraphBuilder } from "@/lib/ml/onnx-training/onnx-graph-builder";

/**
 * A feature network and generators that speak in flat colours, for attribute-fidelity tests.
 * The network averages the image's colour (r, g, b in 0..1) and classifies it: Gender by red
 * (male above 0.5), Hair_Color by which of five green levels is nearest, Hair_Type by which of
 * three blue levels is nearest. A conditional generator paints the level of each requested class;
 * an ignoring one paints levels picked by its latent.
 */

export const GREEN_LEVELS = [0.1, 0.3, 0.5, 0.7, 0.9];
export const BLUE_LEVELS = [0.17, 0.5, 0.83];
export const RED_LEVELS = [0.25, 0.75];

/** The colour a conditional generator paints for requested classes (gender, hair colour, hair type). */
export function colourOf(classes: [number, number, number]): [number, number, number] {
  return [RED_LEVELS[classes[0]], GREEN_LEVELS[classes[1]], BLUE_LEVELS[classes[2]]];
}

/**
 * Linear logits s * (2 c_k x - c_k^2): argmax is the level nearest to x (the common -x^2 term of
 * -(x - c_k)^2 is left out). `channel` picks r, g or b.
 */
function nearestLevelHead(levels: number[], channel: number): { W: Float32Array; b: Float32Array } {
  const k = levels.length;
  const W = new Float32Array(3 * k);
  const b = new Float32Array(k);
  levels.forEach((c, j) => {
    W[channel * k + j] = 20 * 2 * c;
    b[j] = -20 * c * c;
  });
  return { W, b };
}

export function colourFeatureNetwork(options: { heads?: "declared" | "undeclared" | "none" } = {}): FeatureNetworkBundle {
  const heads = options.heads ?? "declared";
  const g = new OnnxGraphBuilder();
  const x = g.input("image", ["N", IMAGE_HEIGHT, IMAGE_WIDTH, IMAGE_CHANNELS]);
  const colour = g.op("ReduceMean", [x], { axes: [1, 2], keepdims: 0 });
  // Embedding: the colour and a few fixed mixes of it (D = 6).
  const mix = Float32Array.from([1, 0, 0, 0.5, -0.3, 0.2, 0, 1, 0, 0.2, 0.6, -0.4, 0, 0, 1, -0.1, 0.3, 0.7]);
  g.output("embedding", g.op("MatMul", [colour, g.floatTensor("mix", [3, 6], mix)]), ["N", 6]);
  if (heads !== "none") {
    const specs: [string, { W: Float32Array; b: Float32Array }, number][] = [
      ["Gender", nearestLevelHead(RED_LEVELS, 0), 2],
      ["Hair_Color", nearestLevelHead(GREEN_LEVELS, 1), 5],
      ["Hair_Type", nearestLevelHead(BLUE_LEVELS, 2), 3],
    ];
    for (const [name, { W, b }, k] of specs) {
      const logits = g.op("Gemm", [colour, g.floatTensor(`${name}.w`, [3, k], W), g.floatTensor(`${name}.b`, [k], b)]);
      g.output(name, g.op("Softmax", [logits], { axis: 1 }), ["N", k]);
    }
  }
  return {
    model: g.encode("colour_features"),
    description: {
      input: { name: "image", layout: "NHWC", scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] },
      output: "embedding",
      dimensions: 6,
      ...(heads === "declared"
        ? {
            heads: {
              Gender: { output: "Gender", classes: [...CLASSES.Gender] },
              Hair_Color: { output: "Hair_Color", classes: [...CLASSES.Hair_Color] },
              Hair_Type: { output: "Hair_Type", classes: [...CLASSES.Hair_Type] },
            },
          }
        : {}),
    },
  };
}

/**
 * A conditional generator (range [0,1], NHWC): "follows" paints colourOf(requested classes)
 * (plus a faint latent-dependent shade so the images are not all identical); "ignores" takes
 * the condition input but paints a colour from its latent alone.
 */
export function colourGenerator(mode: "follows" | "ignores"): { onnx: Uint8Array; manifest: GeneratorManifest } {
  const g = new OnnxGraphBuilder();
  const z = g.input("z", ["N", GENERATOR_LATENT_SIZE]);
  const cond = g.input("attributes", ["N", CONDITION_SIZE]);
  let colour: string;
  if (mode === "follows") {
    // One-hot [N, 10] x M [10, 3]: each block of the condition sets one channel's level.
    const M = new Float32Array(CONDITION_SIZE * 3);
    RED_LEVELS.forEach((v, j) => (M[j * 3 + 0] = v));
    GREEN_LEVELS.forEach((v, j) => (M[(2 + j) * 3 + 1] = v));
    BLUE_LEVELS.forEach((v, j) => (M[(7 + j) * 3 + 2] = v));
    const shade = new Float32Array(GENERATOR_LATENT_SIZE * 3).fill(0);
    shade[0] = shade[4] = shade[8] = 0.005;
    colour = g.op("Add", [
      g.op("MatMul", [cond, g.floatTensor("levels", [CONDITION_SIZE, 3], M)]),
      g.op("MatMul", [z, g.floatTensor("shade", [GENERATOR_LATENT_SIZE, 3], shade)]),
    ]);
  } else {
    // 0.5 + 0.45 tanh(z0, z1, z2): spread over every level, whatever was asked; the condition
    // is used only with weight 0 so the input stays part of the graph.
    const pick = new Float32Array(GENERATOR_LATENT_SIZE * 3).fill(0);
    pick[0] = pick[4] = pick[8] = 1.5;
    const spread = g.op("Tanh", [g.op("MatMul", [z, g.floatTensor("pick", [GENERATOR_LATENT_SIZE, 3], pick)])]);
    colour = g.op("Add", [
      g.op("Add", [g.op("Mul", [spread, g.scalar(0.45)]), g.scalar(0.5)]),
      g.op("MatMul", [cond, g.floatTensor("unused", [CONDITION_SIZE, 3], new Float32Array(CONDITION_SIZE * 3))]),
    ]);
  }
  const img = g.op("Expand", [g.op("Reshape", [colour, g.ints([-1, 1, 1, 3])]), g.ints([1, IMAGE_HEIGHT, IMAGE_WIDTH, IMAGE_CHANNELS])]);
  g.output("images", img, ["N", IMAGE_HEIGHT, IMAGE_WIDTH, IMAGE_CHANNELS]);
  return {
    onnx: g.encode(`colour_${mode}`),
    manifest: {
      format: "onnx",
      model: "model.onnx",
      latent: { input: "z", size: GENERATOR_LATENT_SIZE },
      condition: { input: "attributes" },
      output: { name: "images", layout: "NHWC", range: "[0,1]" },
      batchSize: 64,
    },
  };
}
