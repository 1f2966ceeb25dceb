/**
 * How the site writes phase times. Always UTC, said so: the daily quota resets at 00:00 UTC and
 * participants are in every zone, so a local time without a zone would be wrong for most of them.
 * Server-rendered pages use these, so the text never depends on the server's zone either.
 */

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "28 Nov 2026, 08:44 UTC" */
export function formatUtc(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}, ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} UTC`;
}

/** "2026-11-28T08:44" in UTC, the value format of <input type="datetime-local">. */
export function toUtcInputValue(date: Date): string {
  return date.toISOString().slice(0, 16);
}

/** A coarse duration for people: "89 days, 23 hours", "5 hours, 12 minutes", "3 minutes", "less than a minute". */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (days > 0) return hours > 0 ? `${unit(days, "day")}, ${unit(hours, "hour")}` : unit(days, "day");
  if (hours > 0) return mins > 0 ? `${unit(hours, "hour")}, ${unit(mins, "minute")}` : unit(hours, "hour");
  if (mins > 0) return unit(mins, "minute");
  return "less than a minute";
}
