import { renderPortrait } from "../dataset/synthetic/render-portrait";
import { sampleLabels } from "../dataset/synthetic/sample-labels";
import { composeMosaic, MOSAIC_COLUMNS, MOSAIC_ROWS } from "./render-mosaic";

/** Fixed, so the public mosaic is the same picture on every instance and cacheable. */
export const SYNTHETIC_MOSAIC_SEED = 0x5eed_0a1c;

/**
 * A mosaic of portraits drawn on the spot by the project's own synthetic generator (labels from
 * its joint label table, pixels from its renderer): what visitors see on `/` when the prepared
 * dataset is the real one, whose images may only reach people who accepted the terms. It never
 * reads a file of the dataset.
 */
export async function renderSyntheticMosaic(options: { seed?: number } = {}): Promise<Buffer> {
  const seed = options.seed ?? SYNTHETIC_MOSAIC_SEED;
  const count = MOSAIC_COLUMNS * MOSAIC_ROWS;
  const labels = sampleLabels({ count, seed });
  return composeMosaic(
    count,
    (i) => renderPortrait({ seed, ordinal: i, gender: labels.gender[i], color: labels.color[i], type: labels.type[i] }).pixels,
  );
}
