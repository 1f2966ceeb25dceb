/**
 * The generation track's metrics at the size the scorer runs them: 10,000 generated feature
 * vectors against 10,000 real (test) ones, D = 128, with 10,000 train and 2,000 held-out real
 * vectors for the memorisation checks; the k-NN metrics also at 2,000 x 2,000 to show how they
 * scale (quadratically: 25 times the pairs at 5 times the rows). One thread, the way the scorer
 * calls them. Prints each metric's time, the total, and its share of the 2-minute
 * end-to-end budget for scoring a 10,000-image generator (which also has to run the generator and
 * the feature network).
 *
 *   npm run bench:generation-metrics [-- N D]
 *
 * The features are synthetic Gaussians with correlated directions (the cost depends only on the
 * sizes); the machine is shared, so read the ratios.
 */
import { sampleGaussian } from "../lib/generation/sample-gaussian";
import { featureMatrix, type FeatureMatrix } from "../lib/generation/metrics/feature-matrix";
import { fitGaussian } from "../lib/generation/metrics/fit-gaussian";
import { computeFrechetDistance } from "../lib/generation/metrics/compute-frechet-distance";
import { computeKid } from "../lib/generation/metrics/compute-kid";
import { computeManifoldMetrics } from "../lib/generation/metrics/compute-manifold-metrics";
import { findNearestNeighbours } from "../lib/generation/metrics/find-nearest-neighbours";
import { computeCtStatistic } from "../lib/generation/metrics/compute-ct-statistic";
import { combineGenerationScore } from "../lib/generation/metrics/combine-generation-score";
import { symmetricEigen } from "../lib/generation/metrics/symmetric-eigen";

const N = Number(process.argv[2] ?? 10_000);
const D = Number(process.argv[3] ?? 128);
const BUDGET_MS = 120_000;

function draw(seed: number, rows: number, shift = 0): FeatureMatrix {
  const mean = Array.from({ length: D }, (_, i) => Math.cos(i) + shift);
  const transform = Array.from({ length: D * D }, (_, i) => (Math.floor(i / D) === i % D ? 1 : 0) + 0.1 * Math.sin(i * 0.37));
  return featureMatrix({ data: sampleGaussian({ mean, transform, rows, seed }), cols: D });
}

const rows: { metric: string; size: string; ms: number; cpuMs: number; inTotal: boolean }[] = [];
/** Wall time and this process's CPU time: on a shared machine the CPU time is what the code costs. */
function time<T>(metric: string, size: string, run: () => T, inTotal = true): T {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const out = run();
  const used = process.cpuUsage(cpu);
  rows.push({ metric, size, ms: performance.now() - t, cpuMs: (used.user + used.system) / 1000, inTotal });
  return out;
}

const generated = draw(1, N, 0.05);
const real = draw(2, N);
const train = draw(3, N);
const heldOut = draw(4, Math.round(N / 5));
const big = `${N} x ${N} x ${D}`;

const genGaussian = time("fit Gaussian (generated)", `${N} x ${D}`, () => fitGaussian({ features: generated }));
const realGaussian = time("fit Gaussian (real, cached per phase)", `${N} x ${D}`, () => fitGaussian({ features: real }));
const fpd = time("Fréchet distance (2 eigendecompositions)", `${D} x ${D}`, () =>
  computeFrechetDistance({ a: genGaussian, b: realGaussian }),
);
const kid = time("KID (disjoint subsets of 1,000)", big, () => computeKid({ a: generated, b: real }));
const manifold = time("precision/recall/density/coverage", big, () => computeManifoldMetrics({ generated, real }));
const nearest = time("nearest train (L2 + cosine), generated", big, () => findNearestNeighbours({ query: generated, reference: train }));
time("nearest train, held-out", `${heldOut.rows} x ${N} x ${D}`, () => findNearestNeighbours({ query: heldOut, reference: train }));
const ct = time("C_T (k-means 20 cells + per-cell distances)", `${N} + ${heldOut.rows} vs ${N}`, () =>
  computeCtStatistic({ generated, heldOut, train }),
);
const small = 2_000;
time(
  "precision/recall/density/coverage",
  `${small} x ${small} x ${D}`,
  () => computeManifoldMetrics({ generated: draw(5, small, 0.05), real: draw(6, small) }),
  false,
);
time("Jacobi eigendecomposition", "256 x 256", () => symmetricEigen({ matrix: genGaussianOf(256), n: 256 }), false);

function genGaussianOf(d: number): Float64Array {
  const g = fitGaussian({
    features: featureMatrix({
      data: sampleGaussian({
        mean: new Array(d).fill(0),
        transform: Array.from({ length: d * d }, (_, i) => (Math.floor(i / d) === i % d ? 1 : 0) + 0.1 * Math.cos(i)),
        rows: 2 * d,
        seed: 9,
      }),
      cols: d,
    }),
  });
  return g.covariance;
}

const total = rows.filter((r) => r.inTotal).reduce((s, r) => s + r.ms, 0);
const totalCpu = rows.filter((r) => r.inTotal).reduce((s, r) => s + r.cpuMs, 0);
const w = Math.max(...rows.map((r) => r.metric.length));
const sw = Math.max(...rows.map((r) => r.size.length));
const sec = (ms: number) => (ms / 1000).toFixed(2).padStart(8);
console.log(`${"metric".padEnd(w)}  ${"size".padEnd(sw)}  ${"wall s".padStart(8)}  ${"cpu s".padStart(8)}`);
for (const r of rows)
  console.log(`${r.metric.padEnd(w)}  ${r.size.padEnd(sw)}  ${sec(r.ms)}  ${sec(r.cpuMs)}${r.inTotal ? "" : "  (not in total)"}`);
console.log(
  `${"total".padEnd(w)}  ${"".padEnd(sw)}  ${sec(total)}  ${sec(totalCpu)}  = ${((100 * total) / BUDGET_MS).toFixed(0)}% (wall) / ${((100 * totalCpu) / BUDGET_MS).toFixed(0)}% (cpu) of the 2-minute end-to-end budget`,
);
const score = combineGenerationScore({
  fpd,
  kid,
  manifold,
  memorisation: { meanMinCosine: mean(nearest.cosine), heldOutMeanMinCosine: NaN, nearCopyThreshold: NaN, nearCopyShare: NaN, ct, nearest },
});
console.log(
  `(sanity: fpd ${score.fpd.toFixed(3)}, kid ${score.kid.toFixed(4)} ± ${score.kidStdErr?.toFixed(4)}, precision ${score.precision.toFixed(3)}, recall ${score.recall.toFixed(3)}, density ${score.density.toFixed(3)}, coverage ${score.coverage.toFixed(3)}, C_T ${score.ct?.toFixed(2)})`,
);

function mean(x: Float64Array): number {
  return x.reduce((s, v) => s + v, 0) / x.length;
}
