import type { PutBlobOptions } from "./blob-store";

/**
 * Stops reading the source of a refused put (too large): for an HTTP upload this aborts the
 * request instead of draining it. Only Node streams have `destroy`; a plain async iterable or a
 * buffer has nothing to stop.
 */
export function destroyBlobSource(put: PutBlobOptions): void {
  const source = put.stream;
  if (source && "destroy" in source && typeof source.destroy === "function") source.destroy();
}
