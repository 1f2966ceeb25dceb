import { ATTRIBUTES, CLASSES } from "../challenge/definition";
import { mulberry32 } from "../random/mulberry32";
import { drawNormals } from "./draw-normals";
import { GENERATOR_LATENT_SIZE, CONDITION_SIZE } from "./generator-manifest";

/**
 * The inputs the platform feeds a generator for images start .. start + count - 1 of a run:
 * latents (standard normal, [count, 64]) and, when `conditionProbabilities` is given, requested
 * attributes ([count, 10] one-hot: Gender, Hair_Color, Hair_Type in canonical class order) drawn
 * from those class probabilities. Image i's inputs depend only on (seed, i): every batch size
 * gives the same images, the sandbox child and the scorer (which needs the requested attributes
 * later) compute the same values, and any image can be redrawn alone.
 */
export interface GeneratorInputs {
  latents: Float32Array;
  conditions?: Float32Array;
  /** Requested class index per image and attribute ([count, 3]), when conditional. */
  classes?: Uint8Array;
}

/** Per attribute, the probability of each class in canonical order (e.g. the train label shares). */
export type ConditionProbabilities = Record<(typeof ATTRIBUTES)[number], number[]>;

export function drawGeneratorInputs(options: {
  seed: number;
  start: number;
  count: number;
  conditionProbabilities?: ConditionProbabilities;
}): GeneratorInputs {
  const { seed, start, count } = options;
  const latents = new Float32Array(count * GENERATOR_LATENT_SIZE);
  for (let i = 0; i < count; i++)
    latents.set(drawNormals({ seed: imageSeed(seed, start + i, 0), count: GENERATOR_LATENT_SIZE }), i * GENERATOR_LATENT_SIZE);
  const probabilities = options.conditionProbabilities;
  if (!probabilities) return { latents };
  const conditions = new Float32Array(count * CONDITION_SIZE);
  const classes = new Uint8Array(count * ATTRIBUTES.length);
  for (let i = 0; i < count; i++) {
    const rand = mulberry32(imageSeed(seed, start + i, 1));
    let offset = 0;
    ATTRIBUTES.forEach((attr, a) => {
      const p = probabilities[attr];
      const u = rand() * p.reduce((s, x) => s + x, 0);
      let c = 0;
      for (let acc = p[0]; c < p.length - 1 && u >= acc; acc += p[++c]);
      classes[i * ATTRIBUTES.length + a] = c;
      conditions[i * CONDITION_SIZE + offset + c] = 1;
      offset += CLASSES[attr].length;
    });
  }
  return { latents, conditions, classes };
}

/** A well-mixed 32-bit seed per (run seed, image, stream) (murmur3's finaliser), so neighbouring images are unrelated. */
function imageSeed(seed: number, image: number, stream: number): number {
  let h = (seed ^ Math.imul(image + 1, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Class probabilities from counts per attribute (n/a rows left out), for conditional generators. */
export function conditionProbabilitiesFromCounts(counts: Record<(typeof ATTRIBUTES)[number], number[]>): ConditionProbabilities {
  const out = {} as ConditionProbabilities;
  for (const attr of ATTRIBUTES) {
    const c = counts[attr];
    if (c.length !== CLASSES[attr].length) throw new Error(`${attr}: ${c.length} counts for ${CLASSES[attr].length} classes`);
    const total = c.reduce((s, x) => s + x, 0);
    out[attr] = total > 0 ? c.map((x) => x / total) : c.map(() => 1 / c.length);
  }
  return out;
}
