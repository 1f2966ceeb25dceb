"use client";
import { signIn } from "next-auth/react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormField } from "./form-field";
import { SubmitButton } from "../submit-button";

export function SignInForm(props: { callbackUrl: string; providers: { id: string; name: string }[]; initialError?: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState(props.initialError);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const email = String(data.get("email") ?? "").trim();
    const password = String(data.get("password") ?? "");
    if (!email || !password) {
      setMessage("Enter your e-mail address and password.");
      return;
    }
    setPending(true);
    setMessage(undefined);
    const result = await signIn("credentials", { email, password, redirect: false });
    if (!result?.ok) {
      setPending(false);
      // The server's user-facing message (wrong password, too many attempts with the wait time).
      setMessage(
        result?.error && result.error !== "CredentialsSignin" ? result.error : "That e-mail address and password do not match an account.",
      );
      return;
    }
    router.push(props.callbackUrl);
    router.refresh();
  }

  return (
    <div className="space-y-6">
      <form method="post" onSubmit={onSubmit} noValidate className="space-y-4">
        {message && (
          <p role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-800">
            {message}
          </p>
        )}
        <FormField name="email" label="E-mail" type="email" autoComplete="email" />
        <FormField name="password" label="Password" type="password" autoComplete="current-password" />
        <SubmitButton busy={pending} label="Sign in" busyLabel="Signing in…" className="w-full" />
      </form>
      {props.providers.length > 0 && (
        <div className="space-y-2 border-t border-stone-200 pt-4">
          {props.providers.map((p) => (
            <button
              key={p.id}
              type="button"
              onClick={() => signIn(p.id, { callbackUrl: props.callbackUrl })}
              className="w-full rounded border border-stone-300 bg-white px-4 py-2 font-medium hover:bg-stone-100 focus:outline-none focus:ring-2 focus:ring-stone-500"
            >
              Continue with {p.name}
            </button>
          ))}
        </div>
      )}
      <p className="text-sm text-stone-600">
        <Link className="underline" href="/forgot-password">
          Forgot your password?
        </Link>
      </p>
      <p className="text-sm text-stone-600">
        New here?{" "}
        <Link className="underline" href={`/sign-up?callbackUrl=${encodeURIComponent(props.callbackUrl)}`}>
          Create an account
        </Link>
      </p>
    </div>
  );
}
