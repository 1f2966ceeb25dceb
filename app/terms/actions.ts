"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/get-current-user";
import { safeCallbackUrl } from "@/lib/auth/safe-callback-url";
import { getDb } from "@/lib/db/client";
import { readClientInfo } from "@/lib/downloads/read-client-info";
import { isAppError } from "@/lib/errors/app-error";
import { acceptTerms, acceptTermsInputSchema } from "@/lib/terms/accept-terms";
import { requireFormData } from "../require-form-data";

/**
 * The accept form's action (works without JavaScript: a plain form POST). On success it goes
 * back to `next` (a path on this site) or the download page; problems come back to the terms
 * page as `?error=` so the form can say what to do.
 */
export async function acceptTermsAction(formData: FormData): Promise<void> {
  requireFormData(formData, "/terms");
  const next = safeCallbackUrl(formData.get("next"), "/data");
  const back = (error: string) => `/terms?error=${error}&next=${encodeURIComponent(next)}`;
  const user = await getCurrentUser();
  if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(`/terms?next=${encodeURIComponent(next)}`)}`);
  const input = acceptTermsInputSchema.safeParse({ version: formData.get("version"), agree: formData.get("agree") });
  if (!input.success) redirect(back("agree"));
  let outcome: "accepted" | "changed";
  try {
    await acceptTerms({ db: getDb(), userId: user.id, version: input.data.version, ip: readClientInfo(await headers()).ip || null });
    outcome = "accepted";
  } catch (error) {
    if (!isAppError(error) || error.code !== "validation") throw error;
    outcome = "changed";
  }
  // redirect() throws: kept outside the try so it is not caught above.
  redirect(outcome === "accepted" ? next : back("changed"));
}
