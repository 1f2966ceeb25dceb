"use client";
import { signIn } from "next-auth/react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { signUpInputSchema } from "@/lib/auth/account-schemas";
import { signUpAction } from "./actions";
import { FormField } from "../sign-in/form-field";

export function SignUpForm({ callbackUrl }: { callbackUrl: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<string>();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const input = { name: String(data.get("name") ?? ""), email: String(data.get("email") ?? ""), password: String(data.get("password") ?? "") };
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
    const result = await signUpAction(input);
    if (!result.ok) {
      setPending(false);
      setMessage(result.message);
      setFieldErrors(result.fieldErrors ?? {});
      return;
    }
    const signedIn = await signIn("credentials", { email: parsed.data.email, password: input.password, redirect: false });
    if (!signedIn?.ok) {
      setPending(false);
      setMessage("Your account was created, but signing in failed. Please sign in.");
      return;
    }
    router.push(callbackUrl);
    router.refresh();
  }

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="space-y-4" aria-describedby={message ? "form-message" : undefined}>
      {message && (
        <p id="form-message" role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-800">{message}</p>
      )}
      <FormField name="name" label="Name on the leaderboard" autoComplete="nickname" error={fieldErrors.name} />
      <FormField name="email" label="E-mail" type="email" autoComplete="email" error={fieldErrors.email} />
      <FormField name="password" label="Password" type="password" autoComplete="new-password" error={fieldErrors.password} hint="At least 10 characters." />
      <button type="submit" disabled={pending} className="w-full rounded bg-stone-900 px-4 py-2 font-medium text-white hover:bg-stone-700 focus:outline-none focus:ring-2 focus:ring-stone-500 focus:ring-offset-2 disabled:opacity-60">
        {pending ? "Creating your account…" : "Create account"}
      </button>
      <p className="text-sm text-stone-600">
        Already registered? <Link className="underline" href={`/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}`}>Sign in</Link>
      </p>
    </form>
  );
}
