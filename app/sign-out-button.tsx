"use client";
import { signOut } from "next-auth/react";
import { useRouter } from "next/navigation";

export function SignOutButton() {
  const router = useRouter();
  return (
    <button
      type="button"
      onClick={async () => {
        // No redirect by next-auth: it would go to PUBLIC_URL's host, which may not be the one in use.
        await signOut({ redirect: false });
        router.push("/");
        router.refresh();
      }}
      className="text-sm text-stone-600 underline-offset-2 hover:text-stone-900 hover:underline focus:outline-none focus:ring-2 focus:ring-stone-500"
    >
      Sign out
    </button>
  );
}
