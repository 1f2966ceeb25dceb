import { getInstanceSecret } from "./instance-secret";

/**
 * The server-side seed that fixes the train/test and public/private splits and the
 * opaque test ids. It is never published (dataset.json stores only its hash): whoever
 * knows it can map test ids back to Image_Index and so to CelebA's public labels.
 * SPLIT_SEED overrides it (several web nodes must agree); otherwise one is created
 * once per instance under DATA_DIR/secrets with owner-only permissions.
 */
export function getSplitSeed(options: { dataDir: string; override?: string }): string {
  return getInstanceSecret({ dataDir: options.dataDir, name: "split-seed", override: options.override });
}
