import Link from "next/link";
import type { GenerationPartView, GenerationResultView, NearestTrainSample } from "@/lib/generation/read-generation-result";
import { generationTrack } from "@/lib/tracks/generation-track";
import { DataTable } from "../../data-table";
import { AttributeGrid } from "./attribute-grid";
import { SpriteCell } from "./sprite-cell";

/** A generation score in a readable number of digits: FPD is in the hundreds for weak entries and below 1 for good ones. */
export function formatGenerationValue(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const abs = Math.abs(value);
  if (abs !== 0 && abs < 0.001) return value.toExponential(2);
  if (abs >= 1000) return value.toFixed(0);
  return value.toPrecision(4).replace(/\.?0+$/, "") || "0";
}

const EXTRA_METRICS = [
  { key: "kidStdErr", label: "KID standard error", description: "How uncertain the KID estimate is (over its random subsets)." },
  {
    key: "meanMinCosine",
    label: "Mean distance to train",
    description: "Mean cosine distance from each generated image to its nearest train image (the d of the penalty).",
  },
  {
    key: "ct",
    label: "C_T",
    description: "Meehan et al.'s test: strongly negative when samples sit closer to train than held-out real images do.",
  },
] as const;

/**
 * The generation track's part of a submission page: the memorisation verdict, every metric with
 * its meaning (lib/tracks/generation-track.ts), the gallery of the first 64 samples beside their
 * nearest training portraits, a conditional generator's samples per requested attribute class
 * (attribute-grid.tsx), and the feature network that scored it.
 */
export function GenerationResult(props: {
  submissionId: string;
  result: GenerationResultView;
  kind: string;
  /** The viewer may see dataset images (accepted the current terms, or an organizer). */
  showTrainImages: boolean;
  privateRevealed: boolean;
}) {
  const { result, submissionId } = props;
  const flag = generationTrack.kinds.find((k) => k.kind === props.kind)?.flag;
  const pub = result.public;
  return (
    <div className="space-y-8" data-testid="generation-result">
      {flag && (
        <p role="note" className="rounded border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950" data-testid="images-flag">
          <strong>Uploaded images:</strong> could be cherry-picked. Nothing shows these images came from a model, so the leaderboard flags
          this entry.
        </p>
      )}

      <section aria-labelledby="gen-main" className="space-y-3">
        <h2 id="gen-main" className="text-xl font-semibold">
          Public test part
        </h2>
        <p className="text-sm">
          Main score (FPD × memorisation penalty, lower is better){" "}
          <span className="ml-1 font-mono text-3xl font-bold tabular-nums" data-testid="public-main">
            {formatGenerationValue(pub.main)}
          </span>
        </p>
        <p className="text-xs text-stone-500">
          {result.samples !== null && <>{result.samples.toLocaleString("en")} images generated from the phase&rsquo;s fixed seeds</>}
          {pub.realCount !== null && <>, compared with {pub.realCount.toLocaleString("en")} hidden test images</>}.
        </p>
        <Verdict result={result} part={pub} />
      </section>

      <MetricsTable result={result} />

      {result.gallery && (
        <Gallery submissionId={submissionId} result={result} showTrainImages={props.showTrainImages} columns={result.gallery.columns} />
      )}

      {result.grid && props.kind === "generator" && (
        <AttributeGrid submissionId={submissionId} result={result} format={formatGenerationValue} />
      )}

      <section aria-labelledby="gen-network" className="space-y-1 text-sm">
        <h2 id="gen-network" className="text-xl font-semibold">
          Feature network
        </h2>
        <p className="text-stone-700">
          Every metric above is computed in the organizers&rsquo; feature network, pinned per phase; its SHA-256 (also on the{" "}
          <Link href="/#generation-track" className="underline">
            challenge page
          </Link>
          ):
        </p>
        <p className="break-all font-mono text-xs" data-testid="feature-network-hash">
          {result.featureNetwork ?? "not recorded"}
        </p>
      </section>
    </div>
  );
}

function Verdict({ result, part }: { result: GenerationResultView; part: GenerationPartView }) {
  const penalty = part.metrics.penalty;
  const share = part.metrics.nearCopyShare;
  const penalised = part.memorised === true || (penalty !== null && penalty > 1);
  return (
    <div
      className={`max-w-3xl space-y-2 rounded border p-3 text-sm ${penalised ? "border-red-300 bg-red-50 text-red-950" : "border-emerald-300 bg-emerald-50 text-emerald-950"}`}
      data-testid="memorisation-verdict"
    >
      <p className="font-semibold">
        {penalised
          ? `Memorisation penalty applied: the FPD was multiplied by ${formatGenerationValue(penalty)}.`
          : "No memorisation penalty: the samples are as far from the training set as new real portraits are."}
      </p>
      <ul className="list-disc space-y-1 pl-5">
        <li>
          Mean distance to the nearest training image: <strong>{formatGenerationValue(part.metrics.meanMinCosine)}</strong> (cosine; new
          real portraits: {formatGenerationValue(result.heldOutMeanMinCosine)}). Below eps = {formatGenerationValue(result.eps)} the FPD is
          multiplied by eps / distance, at most {result.eps && result.floor ? formatGenerationValue(result.eps / result.floor) : "—"}×.
        </li>
        <li>
          Near copies: <strong>{share === null ? "—" : `${(share * 100).toFixed(1)}%`}</strong> of the samples are closer to a training
          image than 99% of held-out real portraits are (about 1% is expected by chance).
        </li>
        <li>
          C_T: <strong>{formatGenerationValue(part.metrics.ct)}</strong>. Around 0 or above is normal; strongly negative (below about -3)
          means the samples sit closer to the training set than unseen real portraits: copying.
        </li>
      </ul>
    </div>
  );
}

function MetricsTable({ result }: { result: GenerationResultView }) {
  const rows = [...generationTrack.metrics.map((m) => ({ key: m.key, label: m.label, description: m.description })), ...EXTRA_METRICS];
  const priv = result.private;
  const fidelity = result.public.attributeFidelity;
  return (
    <section aria-labelledby="gen-metrics" className="space-y-2">
      <h2 id="gen-metrics" className="text-xl font-semibold">
        Metrics
      </h2>
      <DataTable
        plain
        caption="Every metric of the generation track with its meaning"
        columns={[
          { label: "Metric" },
          { label: "Public", className: "text-right" },
          ...(priv ? [{ label: "Private", className: "text-right" }] : []),
          { label: "Meaning" },
        ]}
        testId="generation-metrics"
      >
        {rows.map((m) => (
          <tr key={m.key} className="border-b border-stone-200 align-top">
            <th scope="row" className="whitespace-nowrap py-2 pr-4 font-medium">
              {m.label}
            </th>
            <td className="py-2 pr-4 text-right font-mono tabular-nums">{formatGenerationValue(result.public.metrics[m.key])}</td>
            {priv && <td className="py-2 pr-4 text-right font-mono tabular-nums">{formatGenerationValue(priv.metrics[m.key])}</td>}
            <td className="min-w-48 py-2 text-stone-600">{m.description}</td>
          </tr>
        ))}
      </DataTable>
      {fidelity ? (
        <p className="text-sm text-stone-700" data-testid="attribute-fidelity">
          Attribute fidelity (the organizers&rsquo; classifier&rsquo;s macro-F1 on the attributes requested from this conditional
          generator): mean <strong>{formatGenerationValue(fidelity.mean)}</strong>
          {Object.entries(fidelity.perAttribute).map(([k, v]) => (
            <span key={k}>
              , {k} {formatGenerationValue(v)}
            </span>
          ))}
          .
        </p>
      ) : (
        result.public.attributeFidelityNote && (
          <p className="text-xs text-stone-500">Attribute fidelity: {result.public.attributeFidelityNote}</p>
        )
      )}
    </section>
  );
}

function Gallery(props: { submissionId: string; result: GenerationResultView; showTrainImages: boolean; columns: number }) {
  const { result } = props;
  const count = result.gallery!.count;
  const rows = Math.ceil(count / props.columns);
  const base = `/api/submissions/${encodeURIComponent(props.submissionId)}/gallery`;
  const nearest: (NearestTrainSample | undefined)[] = Array.from({ length: count }, (_, i) => result.nearest[i]);
  const copies = nearest.filter((n) => n?.nearCopy).length;
  // Sample i is cell i of both sheets, filled row by row.
  const cell = (i: number) => ({ column: i % props.columns, row: Math.floor(i / props.columns), columns: props.columns, rows });
  return (
    <section aria-labelledby="gen-gallery" className="space-y-3">
      <div className="flex flex-wrap items-baseline gap-x-4 gap-y-1">
        <h2 id="gen-gallery" className="text-xl font-semibold">
          Samples
        </h2>
        <p className="text-sm text-stone-600">
          The first {count} images (fixed seeds: the same latents for every entry of the phase)
          {props.showTrainImages ? ", each beside its nearest training portrait in the feature network" : ""}.{" "}
          {copies > 0 ? (
            <strong className="text-red-800">
              {copies} marked as near cop{copies === 1 ? "y" : "ies"}.
            </strong>
          ) : (
            "None is a near copy."
          )}
        </p>
      </div>
      {!props.showTrainImages && (
        <p className="text-sm text-stone-600">
          The nearest training portraits are dataset images:{" "}
          <Link href={`/terms?next=/submissions/${encodeURIComponent(props.submissionId)}`} className="underline">
            accept the current terms
          </Link>{" "}
          to see them here.
        </p>
      )}
      <ol
        className={`grid gap-3 ${props.showTrainImages ? "grid-cols-2 sm:grid-cols-3 md:grid-cols-4 xl:grid-cols-6" : "grid-cols-4 sm:grid-cols-6 md:grid-cols-8"}`}
        data-testid="gallery"
      >
        {nearest.map((n, i) => (
          <li
            key={i}
            className={`rounded border p-1.5 text-xs ${n?.nearCopy ? "border-red-400 bg-red-50" : "border-stone-200 bg-white"}`}
            data-testid="gallery-item"
            data-near-copy={n?.nearCopy ? "true" : undefined}
          >
            <div className={`grid gap-1 ${props.showTrainImages ? "grid-cols-2" : "grid-cols-1"}`}>
              <SpriteCell src={`${base}/samples.png`} {...cell(i)} alt={`Generated sample ${i + 1}`} />
              {props.showTrainImages && (
                <SpriteCell src={`${base}/nearest.png`} {...cell(i)} alt={`Nearest training portrait to sample ${i + 1}`} />
              )}
            </div>
            <p className="mt-1 flex flex-wrap justify-between gap-x-1 tabular-nums text-stone-600">
              <span>#{i + 1}</span>
              {n && props.showTrainImages && (
                <span title="cosine distance to the nearest training portrait">d {formatGenerationValue(n.cosine)}</span>
              )}
            </p>
            {n?.nearCopy && <p className="font-semibold text-red-800">near copy</p>}
          </li>
        ))}
      </ol>
    </section>
  );
}
