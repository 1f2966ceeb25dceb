"use server";
import { redirect } from "next/navigation";
import { resetPassword } from "@/lib/auth/reset-password";
import { getDb } from "@/lib/db/client";
import { isAppError, toUserError } from "@/lib/errors/app-error";
import { requireFormData } from "../require-form-data";

export async function resetPasswordAction(formData: FormData): Promise<void> {
  requireFormData(formData, "/reset-password");
  const token = String(formData.get("token") ?? "").slice(0, 200);
  let outcome: string;
  try {
    await resetPassword({ db: getDb(), token, password: formData.get("password") });
    outcome = "/reset-password?done=1";
  } catch (error) {
    if (!isAppError(error)) throw error;
    outcome = `/reset-password?token=${encodeURIComponent(token)}&error=${encodeURIComponent(toUserError(error).message)}`;
  }
  redirect(outcome);
}
