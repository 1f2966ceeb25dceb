import fsp from "node:fs/promises";
import path from "node:path";
import { SYNTHETIC_MARKER_FILE } from "./layout";

/**
 * Whether a source folder was made by the synthetic generator (its marker file exists), and the
 * marker's content (JSON when it parses, else the first 1,000 characters) for the manifest.
 */
export async function readSourceMarker(sourceDir: string): Promise<{ synthetic: boolean; content?: unknown }> {
  let text: string;
  try {
    text = await fsp.readFile(path.join(sourceDir, SYNTHETIC_MARKER_FILE), "utf8");
  } catch {
    return { synthetic: false };
  }
  const trimmed = text.trim();
  if (!trimmed) return { synthetic: true };
  try {
    return { synthetic: true, content: JSON.parse(trimmed) };
  } catch {
    return { synthetic: true, content: trimmed.slice(0, 1000) };
  }
}
