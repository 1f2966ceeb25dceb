/**
 * Blob key of a generation submission's sample sheet (the first 64 generated images, one PNG),
 * next to its upload: `submissions/<day>/<random>/samples.png`. Derived from Submission.fileKey,
 * so it needs no column and a rescore replaces it in place.
 */
export function samplesKeyFor(fileKey: string): string {
  return `${fileKey.slice(0, fileKey.lastIndexOf("/"))}/samples.png`;
}

/**
 * Blob key of a conditional generator's attribute-grid sheet (one row per requested attribute
 * class, GRID_SAMPLES_PER_CLASS images each), next to samples.png: `.../grid.png`.
 */
export function gridKeyFor(fileKey: string): string {
  return `${fileKey.slice(0, fileKey.lastIndexOf("/"))}/grid.png`;
}
