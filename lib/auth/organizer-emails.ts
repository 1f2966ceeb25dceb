import { env } from "../env";

/** Whether ORGANIZER_EMAILS names this address (compared lower-case). */
export function isOrganizerEmail(email: string, list: readonly string[] = env().ORGANIZER_EMAILS): boolean {
  return list.includes(email.trim().toLowerCase());
}
