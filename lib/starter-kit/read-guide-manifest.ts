import fs from "node:fs";
import path from "node:path";
import { KIT_DIR_NAME } from "./collect-starter-kit-files";

/**
 * The example manifest.json of one of the kit's guides: the ```json block of its README that
 * declares a "format". The starter-kit page shows it, and the tests validate it with the
 * platform's manifest schema and score a model exported as the guide says with it, so the text
 * participants copy is the text that is known to work.
 */
export const GUIDES = { tfjs: "README.md", pytorch: "pytorch/README.md" } as const;

export function readGuideManifest(options: { projectRoot: string; guide: keyof typeof GUIDES }): { text: string; json: unknown } {
  const file = path.join(options.projectRoot, KIT_DIR_NAME, GUIDES[options.guide]);
  const markdown = fs.readFileSync(file, "utf8");
  const blocks = [...markdown.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]).filter((b) => b.includes('"format"'));
  if (blocks.length !== 1) throw new Error(`${file}: expected one \`\`\`json block with a manifest, found ${blocks.length}`);
  return { text: blocks[0], json: JSON.parse(blocks[0]) };
}
