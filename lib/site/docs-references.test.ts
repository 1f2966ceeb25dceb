import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../db/paths";

// The repository documents itself: every relative link in a markdown file and every `docs/...`
// path named in code or docs must resolve to a file in the repository, so someone who clones it
// can follow each pointer. The design brief the project started from lives outside the
// repository; nothing may point at it (its name is assembled here so this file does not match
// a grep for it).

const ROOT = projectRoot();
const OUTSIDE_BRIEF = ["DESIGN", "md"].join(".");

/** Folders that are not the project's own text: dependencies, build output, instance data, generated code. */
const SKIPPED_ANYWHERE = new Set(["node_modules", ".git", ".next", ".next-dev"]);
const SKIPPED_FROM_ROOT = new Set(["data", "test-results", "playwright-report", "bench/out", "bench/_tmp", "lib/db/generated"]);
const SOURCE_EXTENSIONS = new Set([".ts", ".tsx", ".js", ".mjs", ".cjs", ".prisma", ".sh", ".py"]);

function listProjectFiles(dir = ROOT, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const rel = path.relative(ROOT, full).split(path.sep).join("/");
    if (entry.isDirectory()) {
      if (SKIPPED_ANYWHERE.has(entry.name) || SKIPPED_FROM_ROOT.has(rel)) continue;
      listProjectFiles(full, out);
    } else if (entry.isFile()) {
      out.push(rel);
    }
  }
  return out;
}

/** Fenced code blocks and inline code spans hold code, not links. */
function stripCode(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "").replace(/`[^`\n]*`/g, "");
}

/** Targets of `[text](target)` links that point into the repository (no scheme, not just an anchor). */
export function relativeMarkdownLinks(markdown: string): string[] {
  const out: string[] = [];
  for (const m of stripCode(markdown).matchAll(/\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    const target = m[1];
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("#")) continue;
    out.push(decodeURI(target.split("#")[0]));
  }
  return out;
}

/** Markdown paths under the docs folder, and decision record numbers, named in any text (repository-relative). */
export function docsPathMentions(text: string): { paths: string[]; records: string[] } {
  const paths = [...text.matchAll(/(?<![\w./-])docs\/[\w./-]*?\.md\b/g)].map((m) => m[0]);
  // A bare record number ("docs/decisions/0005"); a full path is checked as a path above.
  const records = [...text.matchAll(/(?<![\w./-])docs\/decisions\/(\d{4})(?![\w.-]*\.md)/g)].map((m) => m[1]);
  return { paths, records };
}

const files = listProjectFiles();
const markdownFiles = files.filter((f) => f.endsWith(".md"));
// This file's own samples are made-up paths.
const textFiles = files.filter(
  (f) => (f.endsWith(".md") || SOURCE_EXTENSIONS.has(path.extname(f))) && !f.endsWith("docs-references.test.ts"),
);
const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), "utf8");
const exists = (rel: string) => fs.existsSync(path.join(ROOT, rel));

describe("the helpers find what they look for", () => {
  it("extracts relative links, and skips URLs, anchors and code", () => {
    const sample = [
      "See [the dataset](docs/dataset.md#licence) and [a record](../decisions/0003-model-sandbox.md).",
      "[web](https://example.org/x.md) [mail](mailto:a@b.c) [here](#top)",
      "`[not](a-link.md)`",
      "```",
      "[also not](inside-a-fence.md)",
      "```",
    ].join("\n");
    expect(relativeMarkdownLinks(sample)).toEqual(["docs/dataset.md", "../decisions/0003-model-sandbox.md"]);
  });

  it("extracts docs paths and record numbers, not paths that merely end the same way", () => {
    const sample = "// see docs/sandbox.md and docs/decisions/0005 (not starter-kit/docs/x.md, not ../docs/y.md), docs/decisions/0001-a.md";
    expect(docsPathMentions(sample)).toEqual({ paths: ["docs/sandbox.md", "docs/decisions/0001-a.md"], records: ["0005"] });
  });
});

describe("references inside the repository resolve", () => {
  it("scans the project's own files", () => {
    expect(markdownFiles).toEqual(
      expect.arrayContaining(["README.md", "ARCHITECTURE.md", "docs/dataset.md", "docs/challenge.md", "docs/sandbox.md", "docs/stack.md"]),
    );
    expect(textFiles.length).toBeGreaterThan(200);
    expect(textFiles.some((f) => f.startsWith("node_modules/") || f.startsWith("lib/db/generated/"))).toBe(false);
  });

  it("every relative markdown link points at an existing file", () => {
    const broken: string[] = [];
    for (const file of markdownFiles) {
      for (const target of relativeMarkdownLinks(read(file))) {
        const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(file), target));
        if (!exists(resolved)) broken.push(`${file}: (${target}) -> ${resolved}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("every docs/ path named in code or docs exists", () => {
    const records = fs.readdirSync(path.join(ROOT, "docs", "decisions"));
    const broken: string[] = [];
    for (const file of textFiles) {
      const mentions = docsPathMentions(read(file));
      for (const p of mentions.paths) if (!exists(p)) broken.push(`${file}: ${p}`);
      for (const n of mentions.records) if (!records.some((r) => r.startsWith(`${n}-`))) broken.push(`${file}: docs/decisions/${n}`);
    }
    expect(broken).toEqual([]);
  });

  it("nothing points at the design brief outside the repository", () => {
    const offenders = textFiles.filter((f) => read(f).includes(OUTSIDE_BRIEF));
    expect(offenders).toEqual([]);
  });
});
