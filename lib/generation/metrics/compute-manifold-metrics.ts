import { assertSameWidth, type FeatureMatrix } from "./feature-matrix";
import { computeKnnRadii } from "./compute-knn-radii";
import { forEachDistanceBlock } from "./for-each-distance-block";

export interface ManifoldMetrics {
  precision: number;
  recall: number;
  density: number;
  coverage: number;
}

/**
 * Precision and recall by k-NN manifolds (Kynkäänniemi et al. 2019, k = 3) and density and
 * coverage (Naeem et al. 2020, k = 5), exact, from three streamed distance passes: real x real
 * and generated x generated for the radii (each unordered pair once), then generated x real for
 * all four metrics at once. With R_k(x) the distance from x to its k-th nearest neighbour in its
 * own set, M generated rows and N real rows:
 *
 *   precision = share of generated y with  d(y, r) < R_3(r)  for some real r
 *   recall    = share of real r with       d(r, y) < R_3(y)  for some generated y
 *   density   = 1 / (5 M) * sum_y #{ real r : d(y, r) < R_5(r) }
 *   coverage  = share of real r with       min_y d(r, y) < R_5(r)
 *
 * Strict inequalities as in the authors' code (prdc). Density is not bounded by 1: it exceeds 1
 * when generated samples crowd where real ones are dense.
 */
export function computeManifoldMetrics(options: {
  generated: FeatureMatrix;
  real: FeatureMatrix;
  kPrecisionRecall?: number;
  kDensityCoverage?: number;
}): ManifoldMetrics {
  const { generated, real } = options;
  assertSameWidth(generated, real, "generated and real features");
  const kPR = options.kPrecisionRecall ?? 3;
  const kDC = options.kDensityCoverage ?? 5;
  const realRadii = computeKnnRadii({ features: real, ks: [kPR, kDC] });
  const realPR = realRadii.get(kPR)!;
  const realDC = realRadii.get(kDC)!;
  const genPR = computeKnnRadii({ features: generated, ks: [kPR] }).get(kPR)!;

  const m = generated.rows;
  const n = real.rows;
  const genInside = new Uint8Array(m);
  const realInside = new Uint8Array(n);
  const realMin = new Float64Array(n).fill(Infinity);
  let densityCount = 0;
  forEachDistanceBlock({
    a: generated,
    b: real,
    kind: "sqdist",
    visit: ({ values, rowStart, rowEnd, colStart, colEnd, width }) => {
      for (let i = rowStart; i < rowEnd; i++) {
        const o = (i - rowStart) * width - colStart;
        const gi = genPR[i];
        let inside = genInside[i];
        for (let j = colStart; j < colEnd; j++) {
          const v = values[o + j];
          if (v < realPR[j]) inside = 1;
          if (v < realDC[j]) densityCount++;
          if (v < gi) realInside[j] = 1;
          if (v < realMin[j]) realMin[j] = v;
        }
        genInside[i] = inside;
      }
    },
  });
  let precision = 0;
  for (let i = 0; i < m; i++) precision += genInside[i];
  let recall = 0;
  let coverage = 0;
  for (let j = 0; j < n; j++) {
    recall += realInside[j];
    if (realMin[j] < realDC[j]) coverage++;
  }
  return { precision: precision / m, recall: recall / n, density: densityCount / (kDC * m), coverage: coverage / n };
}
