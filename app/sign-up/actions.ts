"use server";
import { headers } from "next/headers";
import { signUp } from "@/lib/auth/sign-up";
import { getDb } from "@/lib/db/client";
import { toUserError } from "@/lib/errors/app-error";
import { readClientKey } from "@/lib/http/read-client-key";

export interface SignUpState {
  ok: boolean;
  /** Where the confirmation link went (the same answer whether the address had an account or not). */
  email?: string;
  message?: string;
  fieldErrors?: Record<string, string>;
}

/** Creates the account and mails the confirmation link; the form then says to check the inbox. */
export async function signUpAction(input: {
  name: string;
  email: string;
  password: string;
  invitationCode?: string;
}): Promise<SignUpState> {
  try {
    const { invitationCode, ...fields } = input;
    const result = await signUp({
      db: getDb(),
      input: fields,
      invitationCode: typeof invitationCode === "string" ? invitationCode.slice(0, 200) : undefined,
      client: readClientKey(await headers()),
    });
    return { ok: true, email: result.email };
  } catch (error) {
    const userError = toUserError(error);
    if (userError.code === "internal") console.error("[sign-up]", error);
    const fieldErrors: Record<string, string> = {};
    for (const d of userError.details ?? []) if (d.field && !fieldErrors[d.field]) fieldErrors[d.field] = d.message;
    return { ok: false, message: userError.message, fieldErrors };
  }
}
