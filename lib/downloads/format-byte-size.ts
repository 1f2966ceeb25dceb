import { formatBytes } from "../format/format-bytes";

/** "18.3 MB", "269 B": the site's one size style (lib/format/format-bytes.ts). */
export function formatByteSize(bytes: number): string {
  return formatBytes(bytes);
}
