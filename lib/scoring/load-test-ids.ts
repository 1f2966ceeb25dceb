import { buildPaths } from "../dataset/layout";
import { readTensorCacheMeta } from "../dataset/load-tensor-cache";

/**
 * The test Image_Ids of a build, in test-cache order (cache/test.json). A build folder never
 * changes once `current` points to it (a new prepare makes a new folder), so the ids are read
 * once per build and process and reused: the same array object also lets the CSV parser reuse
 * its id index (parse-predictions-csv.ts).
 */
const cache = new Map<string, Promise<readonly string[]>>();
const MAX_BUILDS = 4;

export function loadTestIds(options: { buildDir: string }): Promise<readonly string[]> {
  const { buildDir } = options;
  let ids = cache.get(buildDir);
  if (!ids) {
    ids = readTensorCacheMeta(buildPaths(buildDir).cacheDir, "test").then((meta) => Object.freeze([...meta.ids]));
    ids.catch(() => cache.delete(buildDir));
    cache.set(buildDir, ids);
    // Old builds are deleted after a swap; forget them.
    while (cache.size > MAX_BUILDS) cache.delete(cache.keys().next().value as string);
  }
  return ids;
}
