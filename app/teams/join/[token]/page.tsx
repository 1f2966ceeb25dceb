import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requirePageUser } from "@/lib/auth/require-page-user";
import { getDb } from "@/lib/db/client";
import { plural } from "@/lib/format/plural";
import { previewTeamInvite } from "@/lib/teams/preview-team-invite";
import { acceptInviteAction } from "../../actions";
import { ActionForm } from "../../../account/action-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Team invitation", robots: { index: false }, referrer: "no-referrer" };

const card = "space-y-4 rounded border border-stone-200 bg-white p-4";

/**
 * An invitation link: says exactly what accepting would do (join, or merge the viewer's team,
 * with sizes, the merge rule's numbers and the final picks that would be dropped) before the
 * viewer confirms; or why it cannot be accepted.
 */
export default async function JoinTeamPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  // Tokens are 43 base64url characters (lib/auth/hash-token.ts); anything else is no invitation.
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) notFound();
  const user = await requirePageUser(`/teams/join/${token}`);
  const preview = await previewTeamInvite({ db: getDb(), userId: user.id, token });

  return (
    <div className="max-w-2xl space-y-6">
      <h1 className="text-3xl font-bold tracking-tight">Team invitation</h1>
      {!preview.ok ? (
        <section className={card}>
          <p className="text-sm text-red-700" role="alert" data-testid="invite-problem">
            {preview.reason}
          </p>
          <p className="text-sm">
            <Link className="underline" href="/account#team">
              Your team on the account page
            </Link>
          </p>
        </section>
      ) : (
        <section className={card} data-testid="invite-preview">
          {(() => {
            const { plan } = preview;
            const shared = "one daily submission limit, one set of final picks and one line on the leaderboard";
            return (
              <>
                <p className="text-lg">
                  <strong>{plan.team.name}</strong> ({plan.team.members.join(", ")}) invites{" "}
                  {plan.kind === "merge" ? (
                    <>
                      your team <strong>{plan.source?.name}</strong> to merge into it.
                    </>
                  ) : (
                    "you to join."
                  )}
                </p>
                <ul className="list-disc space-y-1 pl-5 text-sm">
                  {plan.kind === "merge" ? (
                    <>
                      <li>
                        Every member of {plan.source?.name} ({plan.source?.members.join(", ")}) moves to {plan.team.name};{" "}
                        {plan.source?.name} is disbanded and you are no longer its captain. This cannot be undone.
                      </li>
                      <li>
                        The entries {plan.source?.name} made in this phase become {plan.team.name}&apos;s.
                      </li>
                    </>
                  ) : (
                    <li>The entries you made in this phase become {plan.team.name}&apos;s.</li>
                  )}
                  <li>
                    The team will have {plural(plan.size, "member")} (the cap of this phase is {plan.sizeCap}) and share {shared}.
                  </li>
                  {plan.allowance && (
                    <li>
                      Together you have made {plural(plan.combinedSubmissions, "submission")} in this phase; a merged team may have made at
                      most {plan.allowance.dailyLimit} per day × {plural(plan.allowance.days, "day")} = {plan.allowance.max} by now.
                    </li>
                  )}
                  {plan.picksDropped > 0 && (
                    <li>
                      Together you have more final picks than the {plan.maxFinal} allowed: the {plural(plan.picksDropped, "pick")} with the
                      lowest public score will be dropped.
                    </li>
                  )}
                </ul>
                <ActionForm
                  action={acceptInviteAction}
                  submitLabel={plan.kind === "merge" ? "Merge our teams" : "Join the team"}
                  testId="accept-invite-form"
                >
                  <input type="hidden" name="token" value={token} />
                </ActionForm>
              </>
            );
          })()}
        </section>
      )}
    </div>
  );
}
