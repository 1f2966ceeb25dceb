import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { enabledOAuthProviders } from "@/lib/auth/auth-options";
import { getCurrentUser } from "@/lib/auth/get-current-user";
import { safeCallbackUrl } from "@/lib/auth/safe-callback-url";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

// next-auth redirects here with ?error=<code> after a failed OAuth sign-in.
const OAUTH_ERRORS: Record<string, string> = {
  AccessDenied: "Your provider did not confirm a verified e-mail address.",
  OAuthSignin: "Signing in with that provider failed. Please try again.",
  OAuthCallback: "Signing in with that provider failed. Please try again.",
  OAuthAccountNotLinked: "This e-mail address is already used by another sign-in method.",
  SessionRequired: "Please sign in to see that page.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl, "/");
  if (await getCurrentUser()) redirect(callbackUrl);
  return (
    <div className="mx-auto max-w-sm space-y-6">
      <div className="space-y-2">
        <h1 className="text-2xl font-bold tracking-tight">Sign in</h1>
        <p className="text-sm text-stone-600">Sign in to download the data, submit and see your scores.</p>
      </div>
      <SignInForm
        callbackUrl={callbackUrl}
        providers={enabledOAuthProviders()}
        initialError={params.error ? (OAUTH_ERRORS[params.error] ?? "Signing in failed. Please try again.") : undefined}
      />
    </div>
  );
}
