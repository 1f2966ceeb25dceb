/**
 * Where to send someone after signing in: only a path of this site ("/submit?x=1"), never
 * another origin ("//evil.example", "https://...", "/\\evil"), so the sign-in page cannot be
 * used as an open redirect.
 */
export function safeCallbackUrl(value: unknown, fallback = "/"): string {
  if (typeof value !== "string" || value.length > 2000) return fallback;
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return fallback;
  if (/[\u0000-\u001f]/.test(value)) return fallback;
  return value;
}
