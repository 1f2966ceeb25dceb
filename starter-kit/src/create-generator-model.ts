import { GENERATOR_LATENT_SIZE, IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH, type LayerSpec, type VaeSpec } from "./platform";

/** The VAE works on the portraits averaged over 3x3 blocks (36x28): nine times fewer pixels to decode. */
export const GENERATOR_POOL = 3;
export const GENERATOR_HEIGHT = IMAGE_HEIGHT / GENERATOR_POOL;
export const GENERATOR_WIDTH = IMAGE_WIDTH / GENERATOR_POOL;

/**
 * A small convolutional VAE, described as data for the platform's ONNX training engine (the
 * organizers' vae baseline is the same architecture):
 *   encoder 36x28x3 -> conv(w) -> pool -> conv(2w) -> pool -> conv(2w) -> flatten -> [mean, log-variance] of a 64-d latent;
 *   decoder 64 -> dense -> 9x7x2w -> upsample -> conv(2w) -> upsample -> conv(w) -> conv(3) -> sigmoid: 36x28x3 in [0, 1].
 * Each conv is 3x3 with batch norm and ReLU. The exported generator scales the 36x28 output up
 * to 108x84 (src/train-generator.ts). `width` (w) sets the channels: 16 is about 20 MFLOP per
 * image forward, 32 about 75. Upsampling is nearest neighbour; the engine's other generator
 * layers are `reshape`, `sigmoid` and `tanh`, and a conv may have a bias
 * (src/platform/ml/onnx-training/network-spec.ts).
 */
export function createGeneratorModel(options: { width?: number } = {}): VaeSpec {
  const w = options.width ?? 16;
  const block = (name: string, filters: number): LayerSpec[] => [
    { kind: "conv", name, filters, kernel: 3 },
    { kind: "batchNorm", name: `${name}_bn` },
    { kind: "relu" },
  ];
  const h = GENERATOR_HEIGHT / 4;
  const wd = GENERATOR_WIDTH / 4;
  return {
    name: "starter_vae",
    input: [GENERATOR_HEIGHT, GENERATOR_WIDTH, IMAGE_CHANNELS],
    latent: GENERATOR_LATENT_SIZE,
    encoder: [
      ...block("enc1", w),
      { kind: "maxPool", size: 2 },
      ...block("enc2", 2 * w),
      { kind: "maxPool", size: 2 },
      ...block("enc3", 2 * w),
      { kind: "flatten" },
    ],
    decoder: [
      { kind: "dense", name: "dec_in", units: 2 * w * h * wd },
      { kind: "reshape", shape: [2 * w, h, wd] },
      { kind: "batchNorm", name: "dec_in_bn" },
      { kind: "relu" },
      { kind: "upsample", size: 2 },
      ...block("dec1", 2 * w),
      { kind: "upsample", size: 2 },
      ...block("dec2", w),
      { kind: "conv", name: "dec_out", filters: IMAGE_CHANNELS, kernel: 3, bias: true },
      { kind: "sigmoid" },
    ],
  };
}
