import type { GenerationResultView } from "@/lib/generation/read-generation-result";
import { SpriteCell } from "./sprite-cell";

/** Score keys of the per-attribute fidelity (lib/generation/metrics/compute-attribute-fidelity.ts). */
const FIDELITY_KEYS: Record<string, string> = { Gender: "gender", Hair_Color: "hairColor", Hair_Type: "hairType" };
const ATTRIBUTE_LABELS: Record<string, string> = { Gender: "Gender", Hair_Color: "Hair colour", Hair_Type: "Hair type" };

/**
 * A conditional generator's grid per requested attribute (grid.png, stored by the scorer): for
 * each attribute, one labelled row per class with the first (up to 4) samples the platform
 * requested with that class, and the attribute's fidelity macro-F1 beside its heading. Rendered
 * only when the score holds a grid (conditional generators).
 */
export function AttributeGrid(props: {
  submissionId: string;
  result: GenerationResultView;
  /** The page's number format (generation-result.tsx formatGenerationValue). */
  format: (value: number | null) => string;
}) {
  const grid = props.result.grid!;
  const src = `/api/submissions/${encodeURIComponent(props.submissionId)}/gallery/grid.png`;
  const perAttribute = props.result.public.attributeFidelity?.perAttribute ?? {};
  const attributes = [...new Set(grid.rows.map((r) => r.attribute))];
  return (
    <section aria-labelledby="gen-grid" className="space-y-3" data-testid="attribute-grid">
      <div className="space-y-1">
        <h2 id="gen-grid" className="text-xl font-semibold">
          Samples per requested attribute
        </h2>
        <p className="max-w-3xl text-sm text-stone-600">
          The platform asked this conditional generator for each image&rsquo;s gender, hair colour and hair type. Each row shows the first
          samples (up to {grid.columns}) requested with that class, wherever they fall in the run. Fidelity is the organizers&rsquo;
          classifier&rsquo;s macro-F1 on the requested attribute (1 = every image shows what was asked).
        </p>
      </div>
      {attributes.map((attribute) => {
        const key = FIDELITY_KEYS[attribute] ?? attribute;
        const fidelity = Object.hasOwn(perAttribute, key) ? perAttribute[key] : null;
        const headingId = `gen-grid-${attribute}`;
        return (
          <div key={attribute} className="space-y-2" data-testid="attribute-grid-attribute">
            <h3 id={headingId} className="flex flex-wrap items-baseline gap-x-3 font-semibold">
              {ATTRIBUTE_LABELS[attribute] ?? attribute}
              <span className="text-sm font-normal text-stone-600" data-testid="attribute-grid-fidelity">
                fidelity (macro-F1) <strong className="font-mono tabular-nums">{props.format(fidelity)}</strong>
              </span>
            </h3>
            <ul aria-labelledby={headingId} className="space-y-2">
              {grid.rows.flatMap((row, r) =>
                row.attribute !== attribute
                  ? []
                  : [
                      <li key={row.value} className="flex items-center gap-3" data-testid="attribute-grid-row" data-value={row.value}>
                        <span className="w-16 shrink-0 text-sm text-stone-700 sm:w-20">{row.value}</span>
                        {row.indices.length === 0 ? (
                          <span className="text-xs text-stone-500">never requested in this run</span>
                        ) : (
                          <ol className="grid max-w-md flex-1 grid-cols-4 gap-1.5">
                            {row.indices.map((index, c) => (
                              <li key={index}>
                                <SpriteCell
                                  src={src}
                                  column={c}
                                  row={r}
                                  columns={grid.columns}
                                  rows={grid.rows.length}
                                  alt={`Generated sample ${index + 1}`}
                                />
                                <p className="text-center text-xs tabular-nums text-stone-500">#{index + 1}</p>
                              </li>
                            ))}
                          </ol>
                        )}
                      </li>,
                    ],
              )}
            </ul>
          </div>
        );
      })}
    </section>
  );
}
