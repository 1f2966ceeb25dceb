"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { sendJson } from "../send-json";

const button = "rounded border px-2 py-1 text-xs font-medium focus:outline-none focus:ring-2 focus:ring-stone-500 disabled:opacity-50";

/**
 * Organizer: one team's "Remove" (per member) or "Disband" button. Both ask before acting:
 * they change the leaderboard, and the audit trail records them.
 */
export function TeamAdminAction(props: { teamId: string; teamName: string; member?: { userId: string; name: string } }) {
  const router = useRouter();
  const [sending, setSending] = useState(false);
  const [refreshing, startRefresh] = useTransition();
  const [error, setError] = useState<string>();
  const base = `/api/organizer/teams/${encodeURIComponent(props.teamId)}`;
  const { member } = props;

  async function act() {
    const question = member
      ? `Remove ${member.name} from the team "${props.teamName}"? Their entries made in the team stay with it.`
      : `Disband the team "${props.teamName}"? Its members become solo and its entries go back to their authors.`;
    if (!window.confirm(question)) return;
    setSending(true);
    setError(undefined);
    const result = member
      ? await sendJson(`${base}/remove-member`, "POST", { userId: member.userId })
      : await sendJson(`${base}/disband`, "POST");
    setSending(false);
    if (!result.ok) return setError(result.message);
    startRefresh(() => router.refresh());
  }

  return (
    <span className="inline-flex flex-wrap items-center gap-1">
      <button
        type="button"
        className={`${button} ${member ? "border-stone-300 bg-white hover:bg-stone-100" : "border-red-300 bg-white text-red-800 hover:bg-red-50"}`}
        disabled={sending || refreshing}
        onClick={() => void act()}
        data-testid={member ? "remove-member" : "disband-team"}
      >
        {member ? "Remove" : "Disband"}
      </button>
      {error && (
        <span role="alert" className="text-xs text-red-700">
          {error}
        </span>
      )}
    </span>
  );
}
