import type { Metadata } from "next";
import Link from "next/link";
import { FormField } from "../sign-in/form-field";
import { resetPasswordAction } from "./actions";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Choose a new password" };

/** Where the reset link leads: a new password ends every session of the account. */
export default async function ResetPasswordPage({
  searchParams,
}: {
  searchParams: Promise<{ token?: string; done?: string; error?: string }>;
}) {
  const params = await searchParams;
  return (
    <div className="mx-auto max-w-sm space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Choose a new password</h1>
      {params.done ? (
        <p role="status" className="rounded border border-teal-300 bg-teal-50 p-3 text-sm">
          Your password is changed and every browser signed in to your account is signed out.{" "}
          <Link className="underline" href="/sign-in">
            Sign in
          </Link>{" "}
          with the new one.
        </p>
      ) : params.token ? (
        <form action={resetPasswordAction} className="space-y-4">
          {params.error && (
            <p role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-800">
              {params.error.slice(0, 300)}
            </p>
          )}
          <input type="hidden" name="token" value={params.token.slice(0, 200)} />
          <FormField
            name="password"
            label="New password"
            type="password"
            autoComplete="new-password"
            hint="At least 10 characters and hard to guess."
          />
          <button
            type="submit"
            className="w-full rounded bg-stone-900 px-4 py-2 font-medium text-white hover:bg-stone-700 focus:outline-none focus:ring-2 focus:ring-stone-500 focus:ring-offset-2"
          >
            Set the new password
          </button>
        </form>
      ) : (
        <p className="text-sm text-stone-700">
          Open the link from the e-mail we sent you, or{" "}
          <Link className="underline" href="/forgot-password">
            ask for a new one
          </Link>
          .
        </p>
      )}
    </div>
  );
}
