/**
 * Whether a `Next-Router-State-Tree` request header is one Next.js can parse: URI-encoded JSON
 * of the router's segment tree, `[segment, { slot: subtree }, url?, refresh?, flag?, key?]`,
 * where a segment is a string or a dynamic parameter `[name, cacheKey, type, siblings]`. Next.js
 * answers 500 to any other value (it throws while parsing), so the proxy refuses it with a 400
 * first. Same limits as Next.js: 40,000 characters, and a depth that no real route reaches.
 */
export function isValidRouterState(header: string): boolean {
  if (header.length > 40_000) return false;
  let state: unknown;
  try {
    state = JSON.parse(decodeURIComponent(header));
  } catch {
    return false;
  }
  return isTree(state, 0);
}

const REFRESH = new Set(["refetch", "inside-shared-layout", "metadata-only"]);

function isTree(value: unknown, depth: number): boolean {
  if (depth > 200 || !Array.isArray(value) || value.length < 2 || value.length > 6) return false;
  const [segment, slots, url, refresh, flag, key] = value as unknown[];
  if (!isSegment(segment)) return false;
  if (typeof slots !== "object" || slots === null || Array.isArray(slots)) return false;
  if (!Object.values(slots).every((child) => isTree(child, depth + 1))) return false;
  if (url != null && !(Array.isArray(url) && url.length === 2 && url.every((u) => typeof u === "string"))) return false;
  if (refresh != null && !(typeof refresh === "string" && REFRESH.has(refresh))) return false;
  if (flag != null && typeof flag !== "number") return false;
  return key === undefined || typeof key === "string";
}

const PARAM_TYPES = new Set(["c", "ci(..)(..)", "ci(.)", "ci(..)", "ci(...)", "oc", "d", "di(..)(..)", "di(.)", "di(..)", "di(...)"]);

function isSegment(value: unknown): boolean {
  if (typeof value === "string") return true;
  return (
    Array.isArray(value) &&
    value.length === 4 &&
    typeof value[0] === "string" &&
    typeof value[1] === "string" &&
    PARAM_TYPES.has(value[2] as string) &&
    (value[3] === null || (Array.isArray(value[3]) && value[3].every((s) => typeof s === "string")))
  );
}
