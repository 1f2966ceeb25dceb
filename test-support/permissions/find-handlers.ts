import fs from "node:fs";
import path from "node:path";

/** The repository root (test-support/permissions/ is two levels down). */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface RouteFile {
  /** Absolute path of the route.ts file. */
  file: string;
  /** The URL pattern, e.g. "/api/organizer/submissions/[id]/file". */
  pattern: string;
  /** Its dynamic segments, each with the folder before it: [{ name: "id", parent: "submissions" }]. */
  params: { name: string; parent: string }[];
}

function walk(dir: string, visit: (file: string) => void): void {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, visit);
    else visit(full);
  }
}

/**
 * Every Next.js route handler file under an app folder (e.g. "app/api/organizer"), found on disk so
 * a route added later is covered by the tests that sweep them without editing them.
 */
export function findRouteFiles(appFolder: string): RouteFile[] {
  const found: RouteFile[] = [];
  walk(path.join(REPO_ROOT, appFolder), (file) => {
    if (!/^route\.(ts|tsx|js)$/.test(path.basename(file))) return;
    const segments = path.relative(path.join(REPO_ROOT, "app"), path.dirname(file)).split(path.sep);
    // Route groups "(name)" do not appear in the URL.
    const urlSegments = segments.filter((s) => !/^\(.*\)$/.test(s));
    const params = urlSegments.flatMap((s, i) => {
      const m = /^\[(?:\.\.\.)?([^\]]+)\]$/.exec(s);
      return m ? [{ name: m[1], parent: urlSegments[i - 1] ?? "" }] : [];
    });
    found.push({ file, pattern: `/${urlSegments.join("/")}`, params });
  });
  return found;
}

/** The HTTP methods a route module exports. */
export function exportedMethods(mod: Record<string, unknown>): HttpMethod[] {
  return HTTP_METHODS.filter((m) => typeof mod[m] === "function");
}

/** Files under an app folder that start with the "use server" directive (server action modules). */
export function findServerActionFiles(appFolder: string): string[] {
  const found: string[] = [];
  walk(path.join(REPO_ROOT, appFolder), (file) => {
    if (!/\.(ts|tsx|js)$/.test(file)) return;
    const head = fs
      .readFileSync(file, "utf8")
      .replace(/^(\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*/, "")
      .slice(0, 20);
    if (/^["']use server["']/.test(head)) found.push(file);
  });
  return found;
}

/** The URL of a route pattern with its dynamic segments filled in. */
export function fillPattern(pattern: string, params: Record<string, string>): string {
  return pattern.replace(/\[(?:\.\.\.)?([^\]]+)\]/g, (_m, name: string) => {
    if (!(name in params)) throw new Error(`no value for [${name}] in ${pattern}`);
    return encodeURIComponent(params[name]);
  });
}
