import { readHiddenLabels, type HiddenLabelRow } from "../dataset/read-hidden-labels";

/**
 * The hidden test labels of a build, read once per build and process (builds are immutable,
 * see load-test-ids.ts). Only the scorer calls this; labels never reach the request path.
 */
const cache = new Map<string, Promise<readonly HiddenLabelRow[]>>();
const MAX_BUILDS = 2;

export function loadHiddenLabels(options: { dataDir: string; buildDir: string }): Promise<readonly HiddenLabelRow[]> {
  const { buildDir } = options;
  let labels = cache.get(buildDir);
  if (!labels) {
    labels = readHiddenLabels(options.dataDir, { buildDir }).then((rows) => Object.freeze(rows));
    labels.catch(() => cache.delete(buildDir));
    cache.set(buildDir, labels);
    while (cache.size > MAX_BUILDS) cache.delete(cache.keys().next().value as string);
  }
  return labels;
}
