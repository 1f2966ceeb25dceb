/**
 * A generation submission's Score.public / Score.private JSON (written by the score-generation
 * job: scorer/handlers/score-generation.ts) read into the shape the submission page shows.
 * Missing or malformed fields become null instead of throwing: a score written by an older
 * scorer still renders. Pure: no database, no file.
 */

export interface NearestTrainSample {
  /** Row of the train tensor cache (train images only). */
  train: number;
  cosine: number;
  l2: number;
  /** Closer (L2, as the scorer counts near copies) to its train image than 99% of held-out real images are to theirs. */
  nearCopy: boolean;
}

export interface GenerationPartView {
  main: number | null;
  metrics: Record<string, number | null>;
  memorised: boolean | null;
  realCount: number | null;
  attributeFidelity: { mean: number | null; perAttribute: Record<string, number | null> } | null;
  attributeFidelityNote: string | null;
}

export interface GenerationResultView {
  public: GenerationPartView;
  /** Only when the private part is revealed (the caller passes null before). */
  private: GenerationPartView | null;
  featureNetwork: string | null;
  samples: number | null;
  seed: number | null;
  heldOutMeanMinCosine: number | null;
  nearCopyThreshold: number | null;
  eps: number | null;
  floor: number | null;
  nearest: NearestTrainSample[];
  /** The stored sample sheet: how many samples, per row. null when the scorer kept none. */
  gallery: { count: number; columns: number; bytes: number } | null;
  /**
   * A conditional generator's attribute-grid sheet (grid.png): row r shows the samples
   * `rows[r].indices` (0-based, of the whole run) requested with class `rows[r].value` of
   * `rows[r].attribute`, `columns` cells per row (unused cells black). null when none was stored.
   */
  grid: { columns: number; rows: GridRow[] } | null;
}

export interface GridRow {
  attribute: string;
  value: string;
  indices: number[];
}

const METRIC_KEYS = [
  "main",
  "fpd",
  "kid",
  "kidStd",
  "kidStdErr",
  "precision",
  "recall",
  "density",
  "coverage",
  "nearCopyShare",
  "penalty",
  "meanMinCosine",
  "ct",
  "attributeFidelityMean",
] as const;

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

function readPart(json: unknown): GenerationPartView {
  const p = obj(json);
  const metrics = Object.fromEntries(METRIC_KEYS.map((k) => [k, num(p[k])]));
  const fidelity = p.attributeFidelity && typeof p.attributeFidelity === "object" ? obj(p.attributeFidelity) : null;
  return {
    main: num(p.main),
    metrics,
    memorised: typeof p.memorised === "boolean" ? p.memorised : null,
    realCount: num(p.realCount),
    attributeFidelity: fidelity
      ? {
          mean: num(fidelity.mean),
          perAttribute: Object.fromEntries(
            Object.entries(obj(fidelity.perAttribute ?? fidelity)).flatMap(([k, v]) => {
              if (k === "mean") return [];
              const value = typeof v === "number" ? num(v) : num(obj(v).macroF1);
              return [[k, value]];
            }),
          ),
        }
      : null,
    attributeFidelityNote: typeof p.attributeFidelityNote === "string" ? p.attributeFidelityNote : null,
  };
}

export function readGenerationResult(options: { public: unknown; private: unknown | null }): GenerationResultView {
  const p = obj(options.public);
  const threshold = num(p.nearCopyThreshold);
  const nearest = Array.isArray(p.nearestTrain)
    ? p.nearestTrain.flatMap((n) => {
        const o = obj(n);
        const train = num(o.train);
        const cosine = num(o.cosine);
        const l2 = num(o.l2);
        if (train === null || cosine === null || l2 === null || !Number.isInteger(train) || train < 0) return [];
        return [{ train, cosine, l2, nearCopy: threshold !== null && l2 < threshold }];
      })
    : [];
  const g = obj(p.gallery);
  const gallery =
    num(g.count) !== null && num(g.columns) !== null ? { count: num(g.count)!, columns: num(g.columns)!, bytes: num(g.bytes) ?? 0 } : null;
  return {
    grid: readGrid(p.attributeGridSheet),
    public: readPart(options.public),
    private: options.private === null ? null : readPart(options.private),
    featureNetwork: typeof p.featureNetwork === "string" ? p.featureNetwork : null,
    samples: num(p.samples),
    seed: num(p.seed),
    heldOutMeanMinCosine: num(p.heldOutMeanMinCosine),
    nearCopyThreshold: threshold,
    eps: num(p.eps),
    floor: num(p.floor),
    nearest,
    gallery,
  };
}

function readGrid(json: unknown): GenerationResultView["grid"] {
  const g = obj(json);
  const columns = num(g.columns);
  if (columns === null || !Number.isInteger(columns) || columns < 1 || !Array.isArray(g.rows)) return null;
  const rows = g.rows.flatMap((r): GridRow[] => {
    const o = obj(r);
    if (typeof o.attribute !== "string" || typeof o.value !== "string" || !Array.isArray(o.indices)) return [];
    const indices = o.indices.filter((i): i is number => typeof i === "number" && Number.isInteger(i) && i >= 0).slice(0, columns);
    return [{ attribute: o.attribute, value: o.value, indices }];
  });
  // Rows must match the sheet's rows one to one; a malformed entry makes the whole grid unusable.
  return rows.length === g.rows.length && rows.length > 0 ? { columns, rows } : null;
}
