import NextAuth from "next-auth";
import { getAuthOptions } from "@/lib/auth/auth-options";

// next-auth's own endpoints (sign-in, sign-out, session, CSRF, OAuth callbacks). The options are
// built on first use, not at import, so `next build` needs no secret or database.
function handler(request: Request, context: { params: Promise<{ nextauth: string[] }> }) {
  return NextAuth(request as never, context as never, getAuthOptions());
}

export { handler as GET, handler as POST };
