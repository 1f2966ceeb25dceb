import { NA, REAL_DATASET } from "@/lib/challenge/definition";

/** The share of bald among the known hair colours of the published data, for the macro-F1 argument. */
function baldShare(): string {
  const counts = REAL_DATASET.counts.Hair_Color;
  const known = Object.entries(counts)
    .filter(([k]) => k !== NA)
    .reduce((s, [, n]) => s + n, 0);
  return `${((100 * counts.bald) / known).toFixed(1)}%`;
}

/** How a submission is scored, and the fairness columns. */
export function MetricExplainer() {
  return (
    <div className="grid gap-6 md:grid-cols-2">
      <div className="space-y-2">
        <h3 className="font-semibold">The score</h3>
        <p className="text-sm text-stone-700">
          For each attribute we compute the <strong>macro-F1</strong>: the F1 score of every class (the harmonic mean of its precision and
          recall), averaged with equal weight per class. Your <strong>score</strong> is the mean of the three macro-F1s:
        </p>
        <p
          className="rounded bg-white px-3 py-2 text-center font-mono text-sm"
          aria-label="score equals the mean of the macro-F1 of gender, hair colour and hair type"
        >
          score = (
          <span className="whitespace-nowrap">
            F1<sub>gender</sub>
          </span>{" "}
          +{" "}
          <span className="whitespace-nowrap">
            F1<sub>hair colour</sub>
          </span>{" "}
          +{" "}
          <span className="whitespace-nowrap">
            F1<sub>hair type</sub>
          </span>
          ) / 3
        </p>
        <p className="text-sm text-stone-700">
          <strong>Why macro-F1 and not accuracy?</strong> The classes are very unequal: in the published data bald is only {baldShare()} of
          the known hair colours. A model that never says &ldquo;bald&rdquo; loses almost nothing in accuracy but a fifth of its hair colour
          macro-F1. Rare classes count as much as common ones.
        </p>
        <p className="text-sm text-stone-700">
          Each submission&rsquo;s page also shows accuracy, per-class recall and the confusion matrix of every attribute.
        </p>
      </div>
      <div className="space-y-2">
        <h3 className="font-semibold">The fairness columns</h3>
        <p className="text-sm text-stone-700">
          The original Tiny Portraits exercise asked whether a hair colour classifier is biased by gender, and how to make it less so. The
          labels are strongly correlated: almost all blond portraits are of women, almost all bald and most gray ones of men, so a model can
          lean on gender instead of looking at the hair.
        </p>
        <dl className="space-y-1 text-sm">
          <div>
            <dt className="inline font-medium">Colour F1 (female)</dt>{" "}
            <dd className="inline text-stone-700">&mdash; hair colour macro-F1 on the images whose true gender is female.</dd>
          </div>
          <div>
            <dt className="inline font-medium">Colour F1 (male)</dt>{" "}
            <dd className="inline text-stone-700">&mdash; the same on male images.</dd>
          </div>
          <div>
            <dt className="inline font-medium">Fairness gap</dt>{" "}
            <dd className="inline text-stone-700">
              &mdash; female minus male. Positive: the model is better on women. Closer to 0 is fairer.
            </dd>
          </div>
        </dl>
        <p className="text-sm text-stone-700">
          The ranking uses the score only; the fairness columns sit beside it on the leaderboard, and you can sort by them.
        </p>
      </div>
    </div>
  );
}
