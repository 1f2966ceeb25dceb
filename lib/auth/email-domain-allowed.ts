import { env } from "../env";

/**
 * Whether sign-up accepts an address's domain: SIGNUP_ALLOWED_DOMAINS (when set) lists the only
 * ones accepted, SIGNUP_BLOCKED_DOMAINS the refused ones. A listed domain covers its subdomains.
 */
export function isEmailDomainAllowed(email: string, lists: { allowed?: readonly string[]; blocked?: readonly string[] } = {}): boolean {
  const allowed = lists.allowed ?? env().SIGNUP_ALLOWED_DOMAINS;
  const blocked = lists.blocked ?? env().SIGNUP_BLOCKED_DOMAINS;
  const domain = email.slice(email.lastIndexOf("@") + 1).toLowerCase();
  const covers = (listed: string) => domain === listed || domain.endsWith(`.${listed}`);
  if (blocked.some(covers)) return false;
  return allowed.length === 0 || allowed.some(covers);
}
