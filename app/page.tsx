import type { Metadata } from "next";
import { getChallengeOverview } from "@/lib/site/get-challenge-overview";
import { CLASSES, ATTRIBUTES, IMAGE_WIDTH, IMAGE_HEIGHT } from "@/lib/challenge/definition";
import { LabelBars } from "./label-bars";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Challenge" };

const ATTRIBUTE_TITLES = { Gender: "Gender", Hair_Color: "Hair colour", Hair_Type: "Hair type" } as const;

export default async function ChallengePage() {
  const overview = await getChallengeOverview();
  return (
    <div className="space-y-10">
      <section aria-labelledby="title" className="space-y-3">
        <h1 id="title" className="text-3xl font-bold tracking-tight">The Tiny Portraits challenge</h1>
        <p className="max-w-3xl text-stone-700">
          Predict the apparent gender, the hair colour and the hair type of the person in {IMAGE_WIDTH}&times;{IMAGE_HEIGHT}
          {" "}pixel portrait thumbnails. Train on your own machine &mdash; a CPU is enough &mdash; then upload a predictions CSV
          or a trained model and get scored in seconds against a hidden test split.
        </p>
      </section>

      <section aria-labelledby="task" className="space-y-3">
        <h2 id="task" className="text-xl font-semibold">Task and metric</h2>
        <div className="overflow-x-auto">
          <table className="min-w-full text-left text-sm">
            <thead className="border-b border-stone-300 text-stone-600">
              <tr><th className="py-2 pr-4">Attribute</th><th className="py-2">Classes you predict</th></tr>
            </thead>
            <tbody>
              {ATTRIBUTES.map((a) => (
                <tr key={a} className="border-b border-stone-200">
                  <td className="py-2 pr-4 font-medium">{ATTRIBUTE_TITLES[a]}</td>
                  <td className="py-2 font-mono">{CLASSES[a].join(", ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="max-w-3xl text-sm text-stone-700">
          The score is the mean of the three macro-F1 scores. Images whose true value is <code>n/a</code> (unknown) are not
          scored for that attribute. Fairness columns show the hair colour macro-F1 on female and on male images and the gap
          between them.
        </p>
      </section>

      <section aria-labelledby="data" className="space-y-4">
        <h2 id="data" className="text-xl font-semibold">The data</h2>
        {overview ? (
          <>
            <p className="text-sm text-stone-700" data-testid="dataset-summary">
              {overview.sourceKind === "synthetic" ? "Built-in synthetic portraits" : "Tiny Portraits"}:{" "}
              <strong>{overview.counts.total.toLocaleString("en")}</strong> images &mdash;{" "}
              {overview.counts.train.toLocaleString("en")} for training (labels published),{" "}
              {overview.counts.test.toLocaleString("en")} in the hidden test split (half public, half private leaderboard).
            </p>
            <figure className="space-y-2">
              {/* eslint-disable-next-line @next/next/no-img-element */}
              <img
                src={`/api/dataset/mosaic?build=${encodeURIComponent(overview.buildId)}`}
                alt="A random sample of training portraits"
                width={overview.mosaic.width}
                height={overview.mosaic.height}
                className="pixelated h-auto w-full max-w-3xl rounded border border-stone-200"
                data-testid="mosaic"
              />
              <figcaption className="text-xs text-stone-500">A random sample of the training split.</figcaption>
            </figure>
            <div className="grid gap-6 md:grid-cols-3">
              {ATTRIBUTES.map((a) => (
                <LabelBars key={a} title={ATTRIBUTE_TITLES[a]} counts={overview.trainLabelCounts[a]} />
              ))}
            </div>
          </>
        ) : (
          <p className="rounded border border-amber-300 bg-amber-50 p-3 text-sm" data-testid="dataset-missing">
            No dataset is prepared yet. Organizers: run <code>npm run data -- prepare --source DIR</code> or restart with{" "}
            <code>npm start</code> to build the synthetic default.
          </p>
        )}
      </section>
    </div>
  );
}
