import type { Metadata } from "next";
import { AnnouncementBanner } from "./announcement-banner";
import { SiteHeader } from "./site-header";
import "./globals.css";

export const metadata: Metadata = {
  // The template applies to child segments only: app/page.tsx sets its whole title itself.
  title: { default: "Tiny Portraits", template: "%s · Tiny Portraits" },
  description: "Predict gender, hair colour and hair type from 84x108 portrait thumbnails.",
};

// Every page is rendered per request: the Content-Security-Policy's script nonce (proxy.ts) is
// new each time, and a page prerendered at build time would carry scripts without it.
export const dynamic = "force-dynamic";

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:p-2 focus:bg-white">
          Skip to content
        </a>
        <SiteHeader />
        <AnnouncementBanner />
        <main id="main" className="mx-auto max-w-5xl px-4 py-8">
          {children}
        </main>
        <footer className="mx-auto max-w-5xl px-4 pb-10 text-xs text-stone-500">
          Tiny Portraits is derived from CelebA; the images must not be copied, published, distributed or sold.
        </footer>
      </body>
    </html>
  );
}
