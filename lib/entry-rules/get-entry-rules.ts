import { z } from "zod";
import type { Db, DbTransaction } from "../db/client";
import { env } from "../env";

/** The SiteSetting key of the entry rules. */
export const ENTRY_RULES_KEY = "entry-rules";

/** One e-mail domain as organizers type it: lower-cased, a leading "@" dropped, letters, digits, dots and hyphens. */
const Domain = z
  .string()
  .trim()
  .toLowerCase()
  .transform((d) => d.replace(/^@/, ""))
  .pipe(
    z
      .string()
      .max(253, "a domain has at most 253 characters")
      .regex(/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, {
        error: (issue) => `"${String(issue.input)}" is not a domain like example.org`,
      }),
  );

/** A list of domains, given as an array or as one text with commas or line breaks; duplicates dropped, at most 500. */
const DomainList = z
  .union([z.string().max(20_000), z.array(z.string().max(300)).max(500)])
  .transform((v) => (typeof v === "string" ? v.split(/[\s,]+/) : v).map((d) => d.trim()).filter(Boolean))
  .pipe(z.array(Domain).max(500, "at most 500 domains"))
  .transform((list) => [...new Set(list)]);

export const EntryRules = z
  .object({
    /** Only these domains (and their subdomains) may sign up; empty: any domain not blocked. */
    allowedDomains: DomainList.default([]),
    /** Never these domains (and their subdomains), even if allowed. */
    blockedDomains: DomainList.default([]),
    /** Sign-up (password or OAuth) needs a valid invitation code. */
    invitationOnly: z.boolean().default(false),
  })
  .strict();
export type EntryRules = z.output<typeof EntryRules>;

export interface EffectiveEntryRules extends EntryRules {
  /** "console": an organizer saved rules (they replace the environment's lists); "environment": the defaults. */
  source: "console" | "environment";
  updatedAt: Date | null;
}

/**
 * The entry rules in force. Precedence: once organizers save rules in the console, the saved
 * row is the whole truth (both domain lists and the invitation-only switch) and
 * SIGNUP_ALLOWED_DOMAINS / SIGNUP_BLOCKED_DOMAINS are ignored; until then those variables are the
 * lists and sign-up is open. A row that no longer validates (edited by hand) falls back to the
 * environment rather than locking everyone out or letting everyone in silently: it is logged.
 */
export async function getEntryRules(options: { db: Db | DbTransaction }): Promise<EffectiveEntryRules> {
  const row = await options.db.siteSetting.findUnique({ where: { key: ENTRY_RULES_KEY } });
  if (row) {
    const parsed = EntryRules.safeParse(row.value);
    if (parsed.success) return { ...parsed.data, source: "console", updatedAt: row.updatedAt };
    console.error(`[entry-rules] the saved entry rules do not validate; using the environment's: ${parsed.error.message}`);
  }
  const config = env();
  return {
    allowedDomains: [...config.SIGNUP_ALLOWED_DOMAINS],
    blockedDomains: [...config.SIGNUP_BLOCKED_DOMAINS],
    invitationOnly: false,
    source: "environment",
    updatedAt: null,
  };
}
