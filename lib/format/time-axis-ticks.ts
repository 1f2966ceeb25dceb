/**
 * Ticks for a time axis between two instants (ms), in UTC like the rest of the board: at a round
 * step (5 minutes ... 30 days) that gives at most `maxTicks` of them, each labelled so that it
 * reads on its own: "2 Dec 14:05" when the step is under a day, "2 Dec" otherwise, with the
 * year when the range crosses one. A chart of one afternoon then reads "2 Dec 12:00, 2 Dec 13:00"
 * instead of "12-02 12-02 12-02".
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const STEPS = [
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  14 * DAY,
  30 * DAY,
];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

export interface TimeAxis {
  ticks: number[];
  label: (t: number) => string;
}

export function timeAxisTicks(options: { start: number; end: number; maxTicks?: number }): TimeAxis {
  const maxTicks = options.maxTicks ?? 6;
  const start = Math.min(options.start, options.end);
  const end = Math.max(options.start, options.end);
  const span = Math.max(end - start, MINUTE);
  const step = STEPS.find((s) => span / s <= maxTicks - 1) ?? Math.ceil(span / (maxTicks - 1) / (30 * DAY)) * 30 * DAY;
  const ticks: number[] = [];
  // Round steps in UTC: whole hours, midnights (weeks and months counted from midnights too).
  const first = Math.ceil(start / Math.min(step, DAY)) * Math.min(step, DAY);
  for (let t = first; t <= end && ticks.length < maxTicks * 2; t += step) ticks.push(t);
  // A range shorter than one step (a board a few minutes old) has at most one round instant in
  // it: an axis with one tick (or none) reads as no axis at all, so label its two ends instead.
  const ends = ticks.length < 2;
  if (ends) ticks.splice(0, ticks.length, start, ...(end > start ? [end] : []));
  const withTime = step < DAY || ends;
  const withYear = new Date(start).getUTCFullYear() !== new Date(end).getUTCFullYear();
  const label = (t: number) => {
    const d = new Date(t);
    const date = `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}${withYear ? ` ${d.getUTCFullYear()}` : ""}`;
    if (!withTime) return date;
    const hm = `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;
    // Two ends less than two minutes apart would often read the same to the minute.
    return ends && span < 2 * MINUTE ? `${date} ${hm}:${String(d.getUTCSeconds()).padStart(2, "0")}` : `${date} ${hm}`;
  };
  return { ticks, label };
}
