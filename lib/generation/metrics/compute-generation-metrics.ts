import type { FeatureMatrix } from "./feature-matrix";
import { combineGenerationScore, type GenerationScore } from "./combine-generation-score";
import { computeFrechetDistance } from "./compute-frechet-distance";
import { computeKid, type KidResult } from "./compute-kid";
import { computeManifoldMetrics } from "./compute-manifold-metrics";
import { computeMemorisation, type Memorisation } from "./compute-memorisation";
import type { Gaussian } from "./fit-gaussian";

export interface GenerationMetricsOptions {
  generated: FeatureMatrix;
  /** The hidden test features: FPD, KID and the manifold metrics compare against these. */
  real: FeatureMatrix;
  /** The Gaussian fitted to `real`, when the caller has it cached per phase. */
  realGaussian?: Gaussian;
  train: FeatureMatrix;
  heldOut: FeatureMatrix;
  seed?: number;
  eps?: number;
  floor?: number;
}

/** Every generation metric for one feature set, and the combined score (see combineGenerationScore). */
export function computeGenerationMetrics(options: GenerationMetricsOptions): {
  score: GenerationScore;
  kid: KidResult;
  memorisation: Memorisation;
} {
  const { generated, real, train, heldOut, seed } = options;
  const fpd = computeFrechetDistance({ a: generated, b: options.realGaussian ?? real });
  const kid = computeKid({ a: generated, b: real, seed });
  const manifold = computeManifoldMetrics({ generated, real });
  const memorisation = computeMemorisation({ generated, train, heldOut, seed });
  return { score: combineGenerationScore({ fpd, kid, manifold, memorisation, eps: options.eps, floor: options.floor }), kid, memorisation };
}
