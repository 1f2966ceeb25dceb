import { env } from "../env";

/** Whether ORGANIZER_EMAILS names this address (compared lower-case). */
export function isOrganizerEmail(email: string, list: readonly string[] = env().ORGANIZER_EMAILS): boolean {
  return list.includes(email.trim().toLowerCase());
}

/**
 * Whether an account gets the organizer role from ORGANIZER_EMAILS: only once its owner has
 * proved the address. Anyone can type a listed address into the sign-up form.
 */
export function earnsOrganizerRole(user: { email: string; emailVerifiedAt: Date | null; role: string }, list?: readonly string[]): boolean {
  return user.role !== "organizer" && user.emailVerifiedAt !== null && isOrganizerEmail(user.email, list);
}
