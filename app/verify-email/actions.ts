"use server";
import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/get-current-user";
import { resendVerification } from "@/lib/auth/resend-verification";
import { verifyEmail } from "@/lib/auth/verify-email";
import { getDb } from "@/lib/db/client";
import { isAppError, toUserError } from "@/lib/errors/app-error";
import { requireFormData } from "../require-form-data";

/** The confirm button of a mailed link (a POST, so mail scanners that fetch links use nothing up). */
export async function verifyEmailAction(formData: FormData): Promise<void> {
  requireFormData(formData, "/verify-email");
  let outcome: string;
  try {
    const { email } = await verifyEmail({ db: getDb(), token: formData.get("token") });
    outcome = `/verify-email?done=1&email=${encodeURIComponent(email)}`;
  } catch (error) {
    if (!isAppError(error)) throw error;
    outcome = `/verify-email?error=${encodeURIComponent(toUserError(error).message)}`;
  }
  redirect(outcome);
}

/** "Send the link again", for a signed-in user whose address is not confirmed yet. */
export async function resendVerificationAction(formData: FormData): Promise<void> {
  requireFormData(formData, "/verify-email");
  const back = String(formData.get("back") ?? "") === "/submit" ? "/submit" : "/verify-email";
  const user = await getCurrentUser();
  if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(back)}`);
  await resendVerification({ db: getDb(), userId: user.id });
  redirect(`${back}?resent=1`);
}
