"use server";
import { signUp } from "@/lib/auth/sign-up";
import { getDb } from "@/lib/db/client";
import { toUserError } from "@/lib/errors/app-error";

export interface SignUpState {
  ok: boolean;
  message?: string;
  fieldErrors?: Record<string, string>;
}

/** Creates the account; the form then signs in with the same credentials through next-auth. */
export async function signUpAction(input: { name: string; email: string; password: string }): Promise<SignUpState> {
  try {
    await signUp({ db: getDb(), input });
    return { ok: true };
  } catch (error) {
    const userError = toUserError(error);
    if (userError.code === "internal") console.error("[sign-up]", error);
    const fieldErrors: Record<string, string> = {};
    for (const d of userError.details ?? []) if (d.field && !fieldErrors[d.field]) fieldErrors[d.field] = d.message;
    return { ok: false, message: userError.message, fieldErrors };
  }
}
