import fs from "node:fs";
import path from "node:path";
import { KIT_DIR_NAME } from "./collect-starter-kit-files";

/** The kit's guides, by the name the site and the tests use. */
export const GUIDES = { typescript: "README.md", pytorch: "pytorch/README.md" } as const;

/**
 * The one fenced code block of a guide in `language` that contains `containing`. The site shows
 * the guides' own blocks rather than copies, so the page cannot drift from what the tests check.
 */
export function readGuideBlock(options: { projectRoot: string; guide: keyof typeof GUIDES; language: string; containing: string }): string {
  const file = path.join(options.projectRoot, KIT_DIR_NAME, GUIDES[options.guide]);
  const markdown = fs.readFileSync(file, "utf8");
  const blocks = [...markdown.matchAll(new RegExp("```" + options.language + "\\n([\\s\\S]*?)```", "g"))]
    .map((m) => m[1])
    .filter((b) => b.includes(options.containing));
  if (blocks.length !== 1)
    throw new Error(`${file}: expected one \`\`\`${options.language} block containing ${options.containing}, found ${blocks.length}`);
  return blocks[0];
}
