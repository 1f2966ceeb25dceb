/** Shared display formats of the submissions pages (server-rendered in UTC: no hydration drift). */

export function formatUtc(date: Date | string): string {
  return `${new Date(date).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function formatScore(value: number | null | undefined, digits = 4): string {
  return value === null || value === undefined || !Number.isFinite(value) ? "—" : value.toFixed(digits);
}
