"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";

/**
 * The header's links behind a "Menu" button on narrow screens (under 640 px), where nine links
 * wrapped to three rows of small targets. A <details> element: it works before hydration and
 * without JavaScript; keyed by the path so it closes after each navigation. Targets are at least
 * 44 px high (WCAG 2.2 asks 24).
 */
export function MobileMenu({ links, footer }: { links: readonly { href: string; label: string }[]; footer?: ReactNode }) {
  const pathname = usePathname();
  return (
    <details key={pathname} className="group sm:hidden" data-testid="mobile-menu">
      <summary className="flex min-h-11 min-w-11 cursor-pointer list-none items-center gap-2 rounded border border-stone-300 px-3 text-sm font-medium text-stone-800 focus:outline-none focus:ring-2 focus:ring-stone-500 [&::-webkit-details-marker]:hidden">
        <span aria-hidden="true" className="text-base leading-none">
          ☰
        </span>
        Menu
      </summary>
      <div className="absolute inset-x-0 z-20 mt-2 border-b border-stone-200 bg-white px-4 pb-3 shadow-md">
        <ul className="divide-y divide-stone-100">
          {links.map((l) => (
            <li key={l.href}>
              <Link
                href={l.href}
                aria-current={pathname === l.href ? "page" : undefined}
                className="flex min-h-11 items-center text-stone-800 hover:text-stone-950 aria-[current=page]:font-semibold"
              >
                {l.label}
              </Link>
            </li>
          ))}
        </ul>
        {footer && <div className="flex min-h-11 items-center gap-4 border-t border-stone-200 pt-2">{footer}</div>}
      </div>
    </details>
  );
}
