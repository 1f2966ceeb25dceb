import type { Metadata } from "next";
import { FormField } from "../sign-in/form-field";
import { requestPasswordResetAction } from "./actions";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Forgot your password?" };

export default async function ForgotPasswordPage({ searchParams }: { searchParams: Promise<{ sent?: string; error?: string }> }) {
  const params = await searchParams;
  return (
    <div className="mx-auto max-w-sm space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Forgot your password?</h1>
      {params.sent ? (
        <p role="status" className="rounded border border-teal-300 bg-teal-50 p-3 text-sm">
          If this address has an account, we sent it a link to choose a new password. It works for one hour.
        </p>
      ) : (
        <form action={requestPasswordResetAction} className="space-y-4">
          {params.error && (
            <p role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-800">
              {params.error.slice(0, 300)}
            </p>
          )}
          <FormField name="email" label="E-mail" type="email" autoComplete="email" />
          <button
            type="submit"
            className="w-full rounded bg-stone-900 px-4 py-2 font-medium text-white hover:bg-stone-700 focus:outline-none focus:ring-2 focus:ring-stone-500 focus:ring-offset-2"
          >
            Send me a link
          </button>
        </form>
      )}
    </div>
  );
}
