import type { KidResult } from "./compute-kid";
import type { ManifoldMetrics } from "./compute-manifold-metrics";
import type { Memorisation } from "./compute-memorisation";

export interface GenerationScore {
  /** The ranking score: FPD times the memorisation penalty. Lower is better. */
  main: number;
  higherIsBetter: false;
  fpd: number;
  kid: number;
  kidStd: number | null;
  kidStdErr: number | null;
  precision: number;
  recall: number;
  density: number;
  coverage: number;
  /** 0..1 */
  nearCopyShare: number;
  /** True when the penalty applied (mean minimum cosine distance to train under `eps`). */
  memorised: boolean;
  /** The factor FPD was multiplied by (1 when not memorised). */
  penalty: number;
  meanMinCosine: number;
  ct: number | null;
}

export const DEFAULT_MEMORISATION_EPS = 0.1;
export const DEFAULT_MEMORISATION_FLOOR = 0.01;

/**
 * The main score of the generation track:
 *
 *   d = mean over generated samples of the minimum cosine distance to the train features
 *   penalty = eps / max(d, floor)   if d < eps,   else 1        (eps = 0.1, floor = 0.01)
 *   main = FPD * penalty                                           (lower is better)
 *
 * - FPD carries fidelity and diversity in one number (a collapsed or off-distribution generator
 *   both move the fitted Gaussian), and it is the quantity the field reports.
 * - FPD alone rewards copying: resampled train images have the real distribution exactly. The
 *   penalty is MiFID's (Bai et al. 2021: FID / d when d < eps), rescaled by eps so that it is
 *   continuous at d = eps (MiFID jumps by a factor of 10 there: a tiny change in d would swap
 *   ranks), and capped at eps / floor = 10 so that exact copies (d = 0) get a finite score that
 *   still ranks (MiFID divides by zero). Among penalised entries the order is MiFID's.
 * - KID, precision/recall, density/coverage, the near-copy share and C_T are reported beside it
 *   to explain a score, not folded into it: each answers one question a single number hides.
 */
export function combineGenerationScore(options: {
  fpd: number;
  kid: KidResult;
  manifold: ManifoldMetrics;
  memorisation: Memorisation;
  eps?: number;
  floor?: number;
}): GenerationScore {
  const eps = options.eps ?? DEFAULT_MEMORISATION_EPS;
  const floor = options.floor ?? DEFAULT_MEMORISATION_FLOOR;
  const d = options.memorisation.meanMinCosine;
  const memorised = d < eps;
  const penalty = memorised ? eps / Math.max(d, floor) : 1;
  return {
    main: options.fpd * penalty,
    higherIsBetter: false,
    fpd: options.fpd,
    kid: options.kid.kid,
    kidStd: options.kid.std,
    kidStdErr: options.kid.stdErr,
    precision: options.manifold.precision,
    recall: options.manifold.recall,
    density: options.manifold.density,
    coverage: options.manifold.coverage,
    nearCopyShare: options.memorisation.nearCopyShare,
    memorised,
    penalty,
    meanMinCosine: d,
    ct: options.memorisation.ct.ct,
  };
}
