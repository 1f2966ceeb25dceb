"use client";
import { useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * Re-renders the server page as soon as a watched submission changes status: one server-sent
 * event stream per pending submission (/api/submissions/[id]/events, which polls the row every
 * 250 ms and ends once it is done), so "scored" shows within about a quarter second of the
 * worker finishing. A slow interval stays as a fallback (a proxy that buffers event streams).
 * The page decides `active` on each render, so everything stops by itself once nothing is
 * pending.
 */
export function AutoRefresh({
  active,
  watchIds = [],
  intervalMs = 5000,
}: {
  active: boolean;
  watchIds?: readonly string[];
  intervalMs?: number;
}) {
  const router = useRouter();
  const ids = watchIds.join(" ");
  useEffect(() => {
    if (!active) return;
    const sources = ids
      ? ids.split(" ").map((id) => {
          const source = new EventSource(`/api/submissions/${encodeURIComponent(id)}/events`);
          let first: string | undefined;
          source.addEventListener("status", (e) => {
            const status = (JSON.parse((e as MessageEvent<string>).data) as { status: string }).status;
            const done = status !== "queued" && status !== "running";
            // The first event is the status the page may already show; a later one is news.
            if (first === undefined) first = status;
            else router.refresh();
            if (done) {
              source.close();
              if (first === status) router.refresh();
            }
          });
          source.addEventListener("end", () => source.close());
          return source;
        })
      : [];
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") router.refresh();
    }, intervalMs);
    return () => {
      clearInterval(timer);
      for (const s of sources) s.close();
    };
  }, [active, ids, intervalMs, router]);
  return null;
}
