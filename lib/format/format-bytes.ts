/**
 * The one way sizes are written on the site: decimal SI units ("136 kB", "13.6 kB", "244 MB"),
 * as browsers and file managers show a download, with one decimal below 100 of a unit and
 * whole numbers above (three significant digits at most: more would be false precision).
 */
const UNITS = ["kB", "MB", "GB", "TB"] as const;

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return "unlimited";
  if (Math.abs(bytes) < 1000) return `${Math.round(bytes)} B`;
  let value = bytes / 1000;
  let unit = 0;
  // Round first, so 999,960 bytes reads "1.0 MB" rather than "1000 kB".
  while (unit < UNITS.length - 1 && Math.abs(round(value)) >= 1000) {
    value /= 1000;
    unit++;
  }
  const r = round(value);
  return `${Math.abs(r) < 100 ? r.toFixed(1) : r.toFixed(0)} ${UNITS[unit]}`;
}

function round(v: number): number {
  return Math.abs(v) < 100 ? Math.round(v * 10) / 10 : Math.round(v);
}
