/**
 * Display names are unique up to case, width and spacing: "Alice", " alice " and "ＡＬＩＣＥ" are
 * one name, so nobody can appear on the leaderboard as someone else. The key is what the
 * database's unique index holds (User.nameKey).
 */
export function displayNameKey(name: string): string {
  return name.normalize("NFKC").trim().replace(/\s+/g, " ").toLowerCase();
}

/**
 * Words no participant may use as (a word of) their name: the roles and the baselines, which
 * the leaderboard flags and which would otherwise be easy to impersonate.
 */
export const RESERVED_NAME_WORDS: readonly string[] = [
  "admin",
  "administrator",
  "baseline",
  "baselines",
  "moderator",
  "organiser",
  "organisers",
  "organizer",
  "organizers",
  "official",
  "root",
  "staff",
  "system",
  "tiny-portraits",
  "tinyportraits",
];

/** Whether a name (any case) contains a reserved word, or is one of the extra reserved names (e.g. baseline names). */
export function isReservedDisplayName(name: string, extra: readonly string[] = []): boolean {
  const key = displayNameKey(name);
  const words = key.split(/[^\p{L}\p{N}-]+/u).filter(Boolean);
  const squashed = key.replace(/[^\p{L}\p{N}]+/gu, "");
  return (
    words.some((w) => RESERVED_NAME_WORDS.includes(w)) ||
    // Deleted accounts show as "deleted-<id>" (lib/account/delete-account.ts).
    words.some((w) => w === "deleted" || w.startsWith("deleted-")) ||
    RESERVED_NAME_WORDS.some((w) => squashed === w.replace(/-/g, "")) ||
    extra.some((e) => displayNameKey(e) === key)
  );
}
