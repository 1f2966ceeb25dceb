/**
 * The `route` label of an HTTP request: its path with ids replaced, so the number of label
 * values stays small whatever clients request (each distinct value is a time series).
 * Unknown paths (404) all share one label.
 */
export function routeLabel(url: string | undefined, status: number): string {
  if (status === 404) return "(not found)";
  const pathname = (url ?? "/").split("?")[0] || "/";
  if (pathname.startsWith("/_next/")) return "/_next/*";
  const segments = pathname
    .split("/")
    .slice(0, 6)
    .map((s) => {
      if (s === "") return s;
      // Record ids (cuid, uuid, hex), numbers and anything long or odd-looking.
      if (/^\d+$/.test(s) || s.length >= 20 || /^[0-9a-f-]{16,}$/i.test(s) || !/^[a-z][a-z0-9._-]*$/.test(s)) return ":id";
      return s;
    });
  return segments.join("/") || "/";
}
