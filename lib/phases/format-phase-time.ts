/**
 * How the site writes phase times. Always UTC, said so: the daily quota resets at 00:00 UTC and
 * participants are in every zone, so a local time without a zone would be wrong for most of them.
 * Server-rendered pages use these, so the text never depends on the server's zone either.
 */

/**
 * The one way phase times are written and typed: "2026-11-28 08:44:05" (ISO 8601 order, a space
 * instead of the T, seconds kept, always UTC). Shown with " UTC" after it; the organizer's phase
 * form takes exactly the part without it, so what an organizer reads is what they type.
 *
 * Seconds matter: a phase ending at 23:59:59 must not become 23:59. (The old form used
 * <input type="datetime-local"> without step=1: its step then defaults to 60 s, the browser drops
 * the seconds from the value, and the value we filled in was cut to minutes as well, so every
 * save moved the times down to the minute. The form now uses a text field in this format.)
 */
export function formatUtcInput(date: Date): string {
  return date.toISOString().slice(0, 19).replace("T", " ");
}

/** "2026-11-28 08:44:05 UTC" */
export function formatUtc(date: Date): string {
  return `${formatUtcInput(date)} UTC`;
}

/** "2026-11-28 08:44:05" or "2026-11-28 08:44:05 UTC" (also with a T), read as UTC; anything else null. */
export const UTC_INPUT_PATTERN = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?(?: ?UTC)?$/;
export function parseUtcInput(text: string): Date | null {
  const m = UTC_INPUT_PATTERN.exec(text.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map((v) => Number(v ?? 0));
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls 2026-02-30 over to March: refuse instead of saving another day.
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return null;
  return date;
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
