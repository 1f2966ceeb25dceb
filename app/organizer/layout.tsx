import { requirePageOrganizer } from "@/lib/auth/require-page-user";
import { ConsoleNav } from "./console-nav";

/**
 * The organizer check runs here, outside loading.tsx's Suspense boundary, so a participant still
 * gets a real 404 and a signed-out visitor a real redirect: once the loading state has streamed,
 * the response is already a 200. The page repeats the call to get the user; the session is read
 * once per request (getCurrentUser is cached).
 */
export default async function OrganizerLayout({ children }: { children: React.ReactNode }) {
  await requirePageOrganizer("/organizer");
  return (
    <>
      <ConsoleNav />
      {children}
    </>
  );
}
