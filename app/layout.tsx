import type { Metadata } from "next";
import Link from "next/link";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Tiny Portraits challenge", template: "%s · Tiny Portraits" },
  description: "Predict gender, hair colour and hair type from 84x108 portrait thumbnails.",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:p-2 focus:bg-white">Skip to content</a>
        <header className="border-b border-stone-200 bg-white">
          <nav aria-label="Main" className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
            <Link href="/" className="font-semibold tracking-tight">Tiny Portraits</Link>
            <Link href="/" className="text-sm text-stone-600 hover:text-stone-900">Challenge</Link>
          </nav>
        </header>
        <main id="main" className="mx-auto max-w-5xl px-4 py-8">{children}</main>
        <footer className="mx-auto max-w-5xl px-4 pb-10 text-xs text-stone-500">
          Tiny Portraits is derived from CelebA; the images must not be copied, published, distributed or sold.
        </footer>
      </body>
    </html>
  );
}
