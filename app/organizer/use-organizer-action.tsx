"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { SendJsonResult } from "./send-json";

/**
 * One organizer form's request and its answer: `run` sends (sendJson), shows the server's message
 * with its per-field details on failure, or `ok(data)` and refreshes the page on success;
 * `pending` holds from the send until the refreshed page is in; `note` is the live line that
 * shows the answer.
 */
export function useOrganizerAction() {
  const router = useRouter();
  const [sending, setSending] = useState(false);
  const [refreshing, startRefresh] = useTransition();
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string }>();
  async function run(send: () => Promise<SendJsonResult>, ok: (data: unknown) => string): Promise<boolean> {
    setSending(true);
    setMessage(undefined);
    const result = await send();
    setSending(false);
    if (!result.ok) {
      setMessage({
        kind: "error",
        text: [result.message, ...result.details.map((d) => (d.field ? `${d.field}: ${d.message}` : d.message))].join(" "),
      });
      return false;
    }
    setMessage({ kind: "ok", text: ok(result.data) });
    startRefresh(() => router.refresh());
    return true;
  }
  const note = (
    <p aria-live="polite" className={`text-sm ${message?.kind === "error" ? "text-red-700" : "text-teal-800"}`}>
      {message?.text}
    </p>
  );
  return { run, pending: sending || refreshing, note, setMessage };
}
