"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { sendJson } from "./send-json";

/** One organizer action (POST, empty or fixed body) as a button; the page refreshes when it succeeds. */
export function OpsActionButton(props: { url: string; label: string; body?: unknown; done: string; disabled?: boolean; title?: string }) {
  const router = useRouter();
  const [sending, setSending] = useState(false);
  const [refreshing, startRefresh] = useTransition();
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string }>();
  async function act() {
    setSending(true);
    setMessage(undefined);
    const result = await sendJson(props.url, "POST", props.body ?? {});
    setSending(false);
    if (!result.ok) return setMessage({ kind: "error", text: [result.message, ...result.details.map((d) => d.message)].join(" ") });
    setMessage({ kind: "ok", text: props.done });
    startRefresh(() => router.refresh());
  }
  return (
    <span className="inline-flex flex-col gap-1">
      <button
        type="button"
        className="rounded border border-stone-300 bg-white px-2 py-1 text-xs font-medium hover:bg-stone-100 focus:outline-none focus:ring-2 focus:ring-stone-500 disabled:opacity-50"
        disabled={sending || refreshing || props.disabled}
        title={props.title}
        onClick={() => void act()}
      >
        {props.label}
      </button>
      <span aria-live="polite" className={`text-xs ${message?.kind === "error" ? "text-red-700" : "text-teal-800"}`}>
        {message?.text}
      </span>
    </span>
  );
}
