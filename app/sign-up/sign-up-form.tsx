"use client";
import Link from "next/link";
import { useState } from "react";
import { PASSWORD_MIN_LENGTH, signUpInputSchema } from "@/lib/auth/account-schemas";
import { signUpAction } from "./actions";
import { FormField } from "../sign-in/form-field";
import { SubmitButton } from "../submit-button";

/** Shown under the password field: the server checks it against common passwords (zxcvbn). */
const PASSWORD_HINT = `At least ${PASSWORD_MIN_LENGTH} characters and hard to guess: common passwords, names and keyboard patterns are refused (a strength of 3 out of 4 is needed). A few unrelated words work well.`;

export function SignUpForm({ callbackUrl, minScore, invitationOnly }: { callbackUrl: string; minScore: number; invitationOnly?: boolean }) {
  const [pending, setPending] = useState(false);
  const [sentTo, setSentTo] = useState<string>();
  const [message, setMessage] = useState<string>();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const input = {
      name: String(data.get("name") ?? ""),
      email: String(data.get("email") ?? ""),
      password: String(data.get("password") ?? ""),
    };
    // The same schema as the server: instant messages, the server checks again.
    const parsed = signUpInputSchema.safeParse(input);
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
      setFieldErrors(errors);
      setMessage("Some fields need another look.");
      return;
    }
    setPending(true);
    setMessage(undefined);
    setFieldErrors({});
    const result = await signUpAction({ ...input, invitationCode: invitationOnly ? String(data.get("invitationCode") ?? "") : undefined });
    if (!result.ok) {
      setPending(false);
      setMessage(result.message);
      setFieldErrors(result.fieldErrors ?? {});
      return;
    }
    // No sign-in here: whether it worked would tell whether the address already had an account.
    setPending(false);
    setSentTo(result.email);
  }

  if (sentTo) {
    return (
      <div role="status" className="space-y-3 rounded border border-teal-300 bg-teal-50 p-4 text-sm" data-testid="sign-up-sent">
        <p className="font-medium">Check your inbox.</p>
        <p>
          We sent a link to <strong>{sentTo}</strong>. Open it to confirm your address, then sign in. The link works for 24 hours.
        </p>
        <p>
          <Link className="underline" href={`/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}`}>
            Go to sign-in
          </Link>
        </p>
      </div>
    );
  }

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="space-y-4" aria-describedby={message ? "form-message" : undefined}>
      {message && (
        <p id="form-message" role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-800">
          {message}
        </p>
      )}
      <FormField name="name" label="Name on the leaderboard" autoComplete="nickname" error={fieldErrors.name} />
      <FormField name="email" label="E-mail" type="email" autoComplete="email" error={fieldErrors.email} />
      <FormField
        name="password"
        label="Password"
        type="password"
        autoComplete="new-password"
        error={fieldErrors.password}
        hint={PASSWORD_HINT.replace("3 out of 4", `${minScore} out of 4`)}
      />
      {invitationOnly && (
        <FormField
          name="invitationCode"
          label="Invitation code"
          autoComplete="off"
          error={fieldErrors.invitationCode}
          hint="This challenge is by invitation only: enter the code the organizers gave you (case and hyphens do not matter)."
        />
      )}
      <SubmitButton busy={pending} label="Create account" busyLabel="Creating your account…" className="w-full" />
      <p className="text-sm text-stone-600">
        Already registered?{" "}
        <Link className="underline" href={`/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}`}>
          Sign in
        </Link>
      </p>
    </form>
  );
}
