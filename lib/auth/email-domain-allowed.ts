import { env } from "../env";

/**
 * Whether sign-up accepts an address's domain: the allowed list (when not empty) names the only
 * ones accepted, the blocked list the refused ones; blocked wins. A listed domain covers its
 * subdomains. Callers pass the lists in force (lib/entry-rules/get-entry-rules.ts: the
 * organizers' saved rules, else SIGNUP_ALLOWED_DOMAINS / SIGNUP_BLOCKED_DOMAINS, the default here).
 */
export function isEmailDomainAllowed(email: string, lists: { allowed?: readonly string[]; blocked?: readonly string[] } = {}): boolean {
  const allowed = lists.allowed ?? env().SIGNUP_ALLOWED_DOMAINS;
  const blocked = lists.blocked ?? env().SIGNUP_BLOCKED_DOMAINS;
  const domain = email.slice(email.lastIndexOf("@") + 1).toLowerCase();
  const covers = (listed: string) => domain === listed || domain.endsWith(`.${listed}`);
  if (blocked.some(covers)) return false;
  return allowed.length === 0 || allowed.some(covers);
}
