import type { UserStatus } from "../db/enums";

/**
 * The one rule for a suspended or banned account (lib/organizer/set-user-status.ts): it has no
 * session, no working API token and no new sign-in. Session and token resolution and session
 * creation all ask this, so every way in is closed by the same test.
 */
export function isAccountBlocked(user: { status: string | null | undefined }): boolean {
  return (user.status ?? "active") !== ("active" satisfies UserStatus);
}

/** What a blocked account is told (never the organizer's reason: that may name other people). */
export function blockedAccountMessage(status: string): string {
  return status === "banned"
    ? "This account has been banned from the challenge. Contact the organizers if you think this is a mistake."
    : "This account is suspended. Contact the organizers if you think this is a mistake.";
}
