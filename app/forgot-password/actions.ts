"use server";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { requestPasswordReset } from "@/lib/auth/request-password-reset";
import { getDb } from "@/lib/db/client";
import { isAppError, toUserError } from "@/lib/errors/app-error";
import { readClientKey } from "@/lib/http/read-client-key";
import { requireFormData } from "../require-form-data";

export async function requestPasswordResetAction(formData: FormData): Promise<void> {
  requireFormData(formData, "/forgot-password");
  let outcome: string;
  try {
    await requestPasswordReset({ db: getDb(), email: formData.get("email"), client: readClientKey(await headers()) });
    outcome = "/forgot-password?sent=1";
  } catch (error) {
    if (!isAppError(error)) throw error;
    outcome = `/forgot-password?error=${encodeURIComponent(toUserError(error).message)}`;
  }
  redirect(outcome);
}
