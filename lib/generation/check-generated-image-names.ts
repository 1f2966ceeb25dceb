/**
 * The file names of a generated-images upload: every one a .png (the first five others are
 * named) and exactly `count` of them. Returns the problems, none when the names are right.
 */
export function checkGeneratedImageNames(options: { names: readonly string[]; count: number }): string[] {
  const { names, count } = options;
  const notPng = names.filter((n) => !n.toLowerCase().endsWith(".png"));
  if (notPng.length)
    return [
      `only .png files are accepted; found ${notPng
        .slice(0, 5)
        .map((n) => JSON.stringify(n))
        .join(", ")}${notPng.length > 5 ? ` and ${notPng.length - 5} more` : ""}`,
    ];
  if (names.length !== count) return [`exactly ${count} PNGs are needed; found ${names.length}`];
  return [];
}
