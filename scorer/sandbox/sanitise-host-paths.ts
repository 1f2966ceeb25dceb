/**
 * Removes the scorer's file system layout from text a participant will read (failure messages
 * and the run log). onnxruntime, Node and tfjs name absolute paths in their errors: the bundle's
 * temp folder (`/tmp/tp-model-…/bundle/model.onnx`), `/proc/<pid>/…`, the runtime packages.
 * Known folders become names the participant recognises (a bundle file by its name inside the
 * bundle, `test.u8`); any other absolute path becomes `<path>`.
 */
export function sanitiseHostPaths(text: string, known: { path: string; as: string }[] = []): string {
  let out = text;
  // Longest first, so a file inside a known folder is replaced by its own entry.
  for (const k of [...known].sort((a, b) => b.path.length - a.path.length)) {
    if (!k.path || k.path === "/") continue;
    out = out.split(k.path.endsWith("/") ? k.path : `${k.path}/`).join(k.as ? `${k.as}/` : "");
    out = out.split(k.path).join(k.as || ".");
  }
  // An absolute path of at least two segments, not part of a URL or of a relative path.
  return out.replace(/(?<![\w.:/~-])\/(?:[^\s'"`:,;()[\]{}<>|/]+\/)+[^\s'"`:,;()[\]{}<>|]*/g, "<path>");
}
