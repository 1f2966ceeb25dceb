import type { Metadata } from "next";
import { getDb } from "@/lib/db/client";
import { getEntryRules } from "@/lib/entry-rules/get-entry-rules";
import { listInvitationCodes } from "@/lib/entry-rules/list-invitation-codes";
import { formatUtc } from "@/lib/phases/format-phase-time";
import { DataTable } from "../../data-table";
import { cell } from "../list-controls";
import { EntryRulesForm, InvitationCodeForm, RevokeCodeButton } from "./entry-rules-forms";
import { requirePageOrganizer } from "@/lib/auth/require-page-user";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Entry rules", robots: { index: false } };

/** Who may sign up: e-mail domains, invitation-only mode, and the invitation codes. */
export default async function EntryRulesPage() {
  // Its own check, not only the layout's: a client navigating within the console asks for the
  // page segment alone, and Next.js then renders the page without re-running the layout.
  await requirePageOrganizer("/organizer/entry-rules");
  const db = getDb();
  const [rules, codes] = await Promise.all([getEntryRules({ db }), listInvitationCodes({ db })]);
  return (
    <div className="space-y-6">
      <h1 className="text-3xl font-bold tracking-tight">Entry rules</h1>
      <p className="max-w-3xl text-sm text-stone-700">
        {rules.source === "console"
          ? `These rules were saved here on ${formatUtc(rules.updatedAt!)} and replace SIGNUP_ALLOWED_DOMAINS and SIGNUP_BLOCKED_DOMAINS.`
          : "No rules were saved here yet: the lists below come from SIGNUP_ALLOWED_DOMAINS and SIGNUP_BLOCKED_DOMAINS. Once saved, the saved rules replace those variables."}{" "}
        They apply to new accounts (password and OAuth sign-up) and to changes of address; existing accounts are not affected.
      </p>
      <EntryRulesForm
        allowedDomains={rules.allowedDomains.join("\n")}
        blockedDomains={rules.blockedDomains.join("\n")}
        invitationOnly={rules.invitationOnly}
      />
      <section className="space-y-3">
        <h2 className="text-xl font-semibold">Invitation codes</h2>
        <p className="max-w-3xl text-sm text-stone-700">
          In invitation-only mode, sign-up asks for one of these codes. A code is shown once when it is created; only a hash is kept.
        </p>
        <InvitationCodeForm />
        <DataTable
          caption="Invitation codes, newest first"
          smallHeader
          testId="invitation-codes-table"
          columns={[
            { label: "Code" },
            { label: "Label" },
            { label: "Uses", className: "text-right" },
            { label: "Expires" },
            { label: "State" },
            { label: "" },
          ]}
        >
          {codes.map((c) => (
            <tr key={c.id} className="border-b border-stone-100" data-testid="invitation-code-row" data-code-id={c.id}>
              <td className={`${cell} font-mono text-xs`}>{c.prefix}-…</td>
              <td className={`${cell} text-xs`}>{c.label || "—"}</td>
              <td className={`${cell} text-right tabular-nums`}>
                {c.uses} / {c.maxUses}
              </td>
              <td className={`${cell} whitespace-nowrap text-xs`}>{c.expiresAt ? formatUtc(c.expiresAt) : "never"}</td>
              <td className={`${cell} text-xs`}>{c.state}</td>
              <td className={cell}>{c.state !== "revoked" && <RevokeCodeButton id={c.id} />}</td>
            </tr>
          ))}
        </DataTable>
      </section>
    </div>
  );
}
