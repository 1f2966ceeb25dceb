"use client";
import { useEffect, useState } from "react";

const STORAGE_KEY = "tp-dismissed-announcements";
/** Ids kept: older dismissals are for banners long gone. */
const MAX_REMEMBERED = 50;

function dismissedIds(): string[] {
  try {
    const value: unknown = JSON.parse(window.localStorage.getItem(STORAGE_KEY) ?? "[]");
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}

/**
 * One announcement banner with a close button. Dismissal lives in this browser's localStorage,
 * not a cookie: a cookie would either split the anonymous response cache or be ignored by it.
 * The server renders the banner for everyone; a dismissed one is hidden once the page is live.
 */
export function DismissibleBanner({ id, children }: { id: string; children: React.ReactNode }) {
  const [hidden, setHidden] = useState(false);
  useEffect(() => {
    // Reading storage can only happen in the browser, after the server-rendered first paint.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    if (dismissedIds().includes(id)) setHidden(true);
  }, [id]);
  if (hidden) return null;
  return (
    <section
      aria-label="Announcement"
      data-testid="announcement-banner"
      data-announcement-id={id}
      className="mx-auto flex max-w-5xl items-start gap-3 px-4 py-3"
    >
      <div className="min-w-0 flex-1 break-words">{children}</div>
      <button
        type="button"
        className="inline-flex min-h-6 min-w-6 shrink-0 items-center justify-center rounded px-2 text-sm text-stone-700 hover:bg-amber-100 focus:outline-none focus:ring-2 focus:ring-stone-500"
        aria-label="Dismiss this announcement"
        onClick={() => {
          try {
            const ids = [id, ...dismissedIds().filter((d) => d !== id)].slice(0, MAX_REMEMBERED);
            window.localStorage.setItem(STORAGE_KEY, JSON.stringify(ids));
          } catch {
            // Storage refused (private mode, full): hidden for this page view only.
          }
          setHidden(true);
        }}
      >
        ✕
      </button>
    </section>
  );
}
