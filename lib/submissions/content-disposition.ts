/**
 * A Content-Disposition for downloading a file under the participant's own name. The name is
 * user text: the plain `filename` gets a safe ASCII version (no quotes, slashes or control
 * characters, which could break out of the header or into a path), `filename*` the exact name
 * percent-encoded (RFC 6266 / 5987), which every current browser prefers.
 */
export function contentDisposition(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? "";
  const ascii =
    base
      .replace(/[^\x20-\x7e]/g, "_")
      .replace(/["\\;%]/g, "_")
      .trim() || "download";
  const encoded = encodeURIComponent(base || "download").replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
