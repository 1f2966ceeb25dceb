/**
 * The digest Next.js attaches to a server error: the key to its entry in the server log. A value
 * thrown by client code need not be an Error at all, hence the narrowing.
 */
export function errorDigest(error: unknown): string | undefined {
  if (error instanceof Error && "digest" in error && typeof error.digest === "string") return error.digest;
  return undefined;
}
