import Link from "next/link";
import { ATTRIBUTES } from "@/lib/challenge/definition";
import { getDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { canSeeMosaic } from "@/lib/mosaic/get-public-mosaic";
import type { DatasetOverview } from "@/lib/site/get-challenge-overview";
import { LabelBars } from "../label-bars";
import { ATTRIBUTE_TITLES } from "./attributes-table";

/**
 * Dataset size, the sample mosaic (as PUBLIC_MOSAIC allows this viewer) and the train label
 * distributions (or how to prepare data).
 */
export async function DatasetSection({ dataset, userId }: { dataset: DatasetOverview | null; userId: string | null }) {
  if (!dataset) {
    return (
      <p className="rounded border border-amber-300 bg-amber-50 p-3 text-sm" data-testid="dataset-missing">
        No dataset is prepared yet. Organizers: run <code>npm run data -- prepare --source DIR</code> or restart with <code>npm start</code>{" "}
        to build the synthetic default.
      </p>
    );
  }
  const mode = env().PUBLIC_MOSAIC;
  const showMosaic = await canSeeMosaic({ db: getDb(), mode, userId });
  return (
    <>
      <p className="max-w-3xl text-sm text-stone-700" data-testid="dataset-summary">
        {dataset.sourceKind === "synthetic" ? "Built-in synthetic portraits in the exact Tiny Portraits format" : "Tiny Portraits"}:{" "}
        <strong>{dataset.counts.total.toLocaleString("en")}</strong> images &mdash; {dataset.counts.train.toLocaleString("en")} for training
        (labels published), {dataset.counts.test.toLocaleString("en")} in the hidden test split (
        {dataset.counts.public.toLocaleString("en")} public, {dataset.counts.private.toLocaleString("en")} private). Test images have opaque
        ids and re-encoded files.{" "}
        <Link href="/data" className="underline">
          Downloads and checksums
        </Link>
        .
      </p>
      {showMosaic ? (
        <figure className="space-y-2">
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img
            src={`/api/dataset/mosaic?build=${encodeURIComponent(dataset.buildId)}`}
            alt="A random sample of training portraits"
            width={dataset.mosaic.width}
            height={dataset.mosaic.height}
            className="pixelated h-auto w-full max-w-3xl rounded border border-stone-200"
            data-testid="mosaic"
          />
          <figcaption className="text-xs text-stone-500">
            {mode === "synthetic" && dataset.sourceKind !== "synthetic"
              ? "Synthetic portraits in the dataset's format, drawn by the platform's generator: the real images are shown only to participants who accepted the terms."
              : "A random sample of the training split."}
          </figcaption>
        </figure>
      ) : (
        mode === "after-terms" && (
          <p className="text-sm text-stone-600" data-testid="mosaic-after-terms">
            Sample portraits are shown once you have{" "}
            <Link href="/terms" className="underline">
              accepted the dataset terms
            </Link>
            .
          </p>
        )
      )}
      <div className="grid gap-6 md:grid-cols-3">
        {ATTRIBUTES.map((a) => (
          <LabelBars key={a} title={ATTRIBUTE_TITLES[a]} counts={dataset.trainLabelCounts[a]} />
        ))}
      </div>
    </>
  );
}
