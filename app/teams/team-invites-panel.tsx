import { formatUtc } from "@/lib/phases/format-phase-time";
import { inviteAction, revokeInviteAction } from "./actions";
import { ActionForm } from "../account/action-form";

const input = "w-full rounded border border-stone-300 bg-white px-3 py-2 text-sm focus:outline-none focus:ring-2 focus:ring-stone-500";

/** A member's invitation tools: a link (shown once), an e-mail, and the open invitations with a revoke button each. */
export function TeamInvitesPanel(props: {
  teamId: string;
  invites: { id: string; email: string | null; expiresAt: Date; createdAt: Date }[];
}) {
  return (
    <div className="space-y-4" data-testid="team-invites">
      <div className="grid gap-4 sm:grid-cols-2">
        <ActionForm action={inviteAction} submitLabel="Create an invitation link" testId="invite-link-form">
          <input type="hidden" name="teamId" value={props.teamId} />
          <p className="text-sm text-stone-600">A link for one person, to send any way you like. It is shown only once.</p>
        </ActionForm>
        <ActionForm action={inviteAction} submitLabel="Send by e-mail" testId="invite-email-form">
          <input type="hidden" name="teamId" value={props.teamId} />
          <label className="block text-sm font-medium" htmlFor={`invite-email-${props.teamId}`}>
            Their e-mail address (only that account can accept)
          </label>
          <input id={`invite-email-${props.teamId}`} name="email" type="email" required className={input} autoComplete="off" />
        </ActionForm>
      </div>
      <div>
        <h3 className="text-sm font-semibold">Open invitations</h3>
        {props.invites.length === 0 ? (
          <p className="text-sm text-stone-600">None.</p>
        ) : (
          <ul className="divide-y divide-stone-200" data-testid="pending-invites">
            {props.invites.map((invite) => (
              <li key={invite.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                <span>
                  {invite.email ? `To ${invite.email}` : "Link"} · made {formatUtc(invite.createdAt)} · expires{" "}
                  {formatUtc(invite.expiresAt)}
                </span>
                <ActionForm action={revokeInviteAction} submitLabel="Revoke" className="flex items-center gap-2">
                  <input type="hidden" name="teamId" value={props.teamId} />
                  <input type="hidden" name="inviteId" value={invite.id} />
                </ActionForm>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
