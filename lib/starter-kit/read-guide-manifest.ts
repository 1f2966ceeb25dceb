import { type GUIDES, readGuideBlock } from "./read-guide-block";

/**
 * The example manifest.json of one of the kit's guides: the ```json block of its README that
 * declares the attribute model's "outputs" (a generator's manifest, also in the README, has none). The starter-kit page shows it, and the tests validate it with the
 * platform's manifest schema and score a model exported as the guide says with it, so the text
 * participants copy is the text that is known to work.
 */
export function readGuideManifest(options: { projectRoot: string; guide: keyof typeof GUIDES }): { text: string; json: unknown } {
  const text = readGuideBlock({ ...options, language: "json", containing: '"outputs"' });
  return { text, json: JSON.parse(text) };
}
