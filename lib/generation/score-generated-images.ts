import {
  computeAttributeFidelity,
  pickAttributeGrid,
  type AttributeFidelity,
  type AttributeGrid,
} from "./metrics/compute-attribute-fidelity";
import { combineGenerationScore, type GenerationScore } from "./metrics/combine-generation-score";
import { computeFrechetDistance } from "./metrics/compute-frechet-distance";
import { computeKid } from "./metrics/compute-kid";
import { computeManifoldMetrics } from "./metrics/compute-manifold-metrics";
import { computeMemorisation } from "./metrics/compute-memorisation";
import { featureMatrix, selectRows, type FeatureMatrix } from "./metrics/feature-matrix";
import type { FeatureExtractor } from "./extract-image-features";
import type { RealFeatures } from "./load-real-features";

/**
 * The penalty's eps and floor for a feature space, from what honest real images get: eps is half
 * the held-out (test) images' mean minimum cosine distance to the train set, so a generator whose
 * samples sit as far from the train set as fresh real images do (d about 2 eps) is not penalised
 * and only clearly closer ones are; floor = eps / 100 caps the factor at 100. MiFID's eps = 0.1 was
 * set for Inception features: in the attribute CNN's 64-d space the held-out mean is about 0.0035
 * (synthetic default, 2-epoch network), so 0.1 penalised every entry at the cap. The cap of 100
 * (MiFID's equivalent is 10) is what makes exact copies rank below the PCA sampler there: copying
 * gets an FPD about 60 times lower than PCA's blurry portraits (docs/generation-track.md).
 */
export function calibratePenalty(heldOutMeanMinCosine: number): { eps: number; floor: number } {
  const eps = Math.max(1e-6, heldOutMeanMinCosine / 2);
  return { eps, floor: eps / 100 };
}

/** Generated samples whose nearest train neighbour is kept in the score (the gallery's 64). */
export const GALLERY_SAMPLES = 64;

/** Sample indices per requested class in the gallery's attribute grid. */
export const GRID_SAMPLES_PER_CLASS = 4;

export interface GenerationPartScore extends GenerationScore, AttributeFidelityScore {
  /** Real (test) images of this part the distribution metrics compared against. */
  realCount: number;
}

/** What a score says about a conditional generator's requested attributes (the same in both parts). */
export interface AttributeFidelityScore {
  /**
   * Macro-F1 of the feature network's attribute heads on the generated images against the
   * requested attributes, per attribute and their mean; null for an unconditional generator, an
   * images upload, or a feature network without heads (then `attributeFidelityNote` says why).
   */
  attributeFidelity: AttributeFidelity | null;
  /** attributeFidelity.mean, flat for leaderboard columns (lib/tracks/generation-track.ts). */
  attributeFidelityMean: number | null;
  attributeFidelityNote?: string;
  /**
   * For the gallery's grid per requested attribute: per attribute and class, the first
   * GRID_SAMPLES_PER_CLASS sample indices (0-based, of the whole run) requested with it; null
   * when unconditional.
   */
  attributeGrid: AttributeGrid | null;
}

export interface GeneratedImagesScore {
  public: GenerationPartScore;
  private: GenerationPartScore;
  generatedCount: number;
  dimensions: number;
  /** What honest real images get: mean minimum cosine distance of the test images to the train set. */
  heldOutMeanMinCosine: number;
  nearCopyThreshold: number;
  /** The memorisation penalty's parameters used (given, or calibrated: calibratePenalty). */
  eps: number;
  floor: number;
  /** The first GALLERY_SAMPLES generated images' nearest train image (train cache row) and distances. */
  nearestTrain: { train: number; l2: number; cosine: number }[];
  seconds: { features: number; metrics: number };
}

/**
 * Scores generated images (a uint8 tensor file) in the pinned feature network: FPD, KID and the
 * manifold metrics against each hidden test part (public, private) separately, memorisation once
 * against the train set with all test images as the held-out reference (none of them is in train),
 * and the main score per part (combineGenerationScore: FPD times the memorisation penalty).
 */
export async function scoreGeneratedImages(options: {
  imagesFile: string;
  count: number;
  extractor: FeatureExtractor;
  real: RealFeatures;
  eps?: number;
  floor?: number;
  seed?: number;
  /**
   * A conditional generator's requested class per image and attribute ([count, 3], canonical
   * order: draw-generator-inputs.ts `classes`): turns on attribute fidelity and the grid.
   */
  requestedClasses?: Uint8Array;
}): Promise<GeneratedImagesScore> {
  const { real, extractor, requestedClasses, count } = options;
  const t0 = performance.now();
  const extracted = requestedClasses
    ? await extractor.extractFileWithClasses(options.imagesFile, count)
    : { features: await extractor.extractFile(options.imagesFile, count), classes: undefined };
  const generated = featureMatrix({ data: extracted.features, cols: real.dimensions, name: "generated image features" });
  const fidelity = attributeFidelityScore({
    requestedClasses,
    predicted: extracted.classes,
    count,
    unavailable: extractor.headsUnavailable,
  });
  const t1 = performance.now();
  const train = { rows: real.trainCount, cols: real.dimensions, data: real.train } satisfies FeatureMatrix;
  const test = { rows: real.testSplit.length, cols: real.dimensions, data: real.test } satisfies FeatureMatrix;
  const memorisation = computeMemorisation({ generated, train, heldOut: test, seed: options.seed });
  const { eps, floor } =
    options.eps !== undefined
      ? { eps: options.eps, floor: options.floor ?? options.eps / 100 }
      : calibratePenalty(memorisation.heldOutMeanMinCosine);
  const part = (split: "public" | "private"): GenerationPartScore => {
    const rows = real.testSplit.flatMap((s, i) => (s === split ? [i] : []));
    const reference = selectRows(test, rows);
    const fpd = computeFrechetDistance({ a: generated, b: reference });
    const kid = computeKid({ a: generated, b: reference, seed: options.seed });
    const manifold = computeManifoldMetrics({ generated, real: reference });
    return {
      ...combineGenerationScore({ fpd, kid, manifold, memorisation, eps, floor }),
      ...fidelity,
      realCount: rows.length,
    };
  };
  const pub = part("public");
  const priv = part("private");
  const nearest = memorisation.nearest;
  return {
    public: pub,
    private: priv,
    generatedCount: options.count,
    dimensions: real.dimensions,
    heldOutMeanMinCosine: memorisation.heldOutMeanMinCosine,
    nearCopyThreshold: memorisation.nearCopyThreshold,
    eps,
    floor,
    nearestTrain: Array.from({ length: Math.min(GALLERY_SAMPLES, options.count) }, (_, i) => ({
      train: nearest.l2Index[i],
      l2: nearest.l2[i],
      cosine: nearest.cosine[i],
    })),
    seconds: { features: (t1 - t0) / 1000, metrics: (performance.now() - t1) / 1000 },
  };
}

function attributeFidelityScore(options: {
  requestedClasses?: Uint8Array;
  predicted?: Uint8Array;
  count: number;
  unavailable?: string;
}): AttributeFidelityScore {
  const { requestedClasses: requested, predicted, count } = options;
  if (!requested) return { attributeFidelity: null, attributeFidelityMean: null, attributeGrid: null };
  const attributeGrid = pickAttributeGrid({ requested, count, perValue: GRID_SAMPLES_PER_CLASS });
  if (!predicted)
    return {
      attributeFidelity: null,
      attributeFidelityMean: null,
      attributeFidelityNote: options.unavailable ?? "the feature network's attribute heads are not available",
      attributeGrid,
    };
  const attributeFidelity = computeAttributeFidelity({ requested, predicted, count });
  return { attributeFidelity, attributeFidelityMean: attributeFidelity.mean, attributeGrid };
}
