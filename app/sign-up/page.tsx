import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/get-current-user";
import { safeCallbackUrl } from "@/lib/auth/safe-callback-url";
import { PASSWORD_MIN_SCORE } from "@/lib/auth/check-password-strength";
import { getDb } from "@/lib/db/client";
import { getEntryRules } from "@/lib/entry-rules/get-entry-rules";
import { SignUpForm } from "./sign-up-form";

export const metadata: Metadata = { title: "Create an account" };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  const callbackUrl = safeCallbackUrl((await searchParams).callbackUrl, "/data");
  if (await getCurrentUser()) redirect(callbackUrl);
  const { invitationOnly } = await getEntryRules({ db: getDb() });
  return (
    <div className="mx-auto max-w-sm space-y-6">
      <div className="space-y-2">
        <h1 className="text-2xl font-bold tracking-tight">Create an account</h1>
        <p className="text-sm text-stone-600">
          You need an account to download the data and to submit. Your name appears on the leaderboard; your e-mail address never does.
        </p>
      </div>
      <SignUpForm callbackUrl={callbackUrl} minScore={PASSWORD_MIN_SCORE} invitationOnly={invitationOnly} />
    </div>
  );
}
