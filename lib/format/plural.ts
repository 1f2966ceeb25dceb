/**
 * "1 participant", "2 participants", "1,234 entries": a count with the noun in the right number
 * (English only: the site's one language). `many` defaults to the noun plus "s".
 */
export function plural(count: number, one: string, many: string = `${one}s`): string {
  return `${count.toLocaleString("en")} ${count === 1 ? one : many}`;
}
