"use client";
import { useActionState, type ReactNode } from "react";
import type { TeamActionState } from "./actions";

/** A form bound to one team action: its answer under the fields, and a new invitation link once, with a copy button. */
export function TeamActionForm(props: {
  action: (state: TeamActionState, formData: FormData) => Promise<TeamActionState>;
  submitLabel: string;
  children?: ReactNode;
  danger?: boolean;
  testId?: string;
  className?: string;
}) {
  const [state, formAction, pending] = useActionState(props.action, {});
  return (
    <form action={formAction} className={props.className ?? "space-y-3"} data-testid={props.testId}>
      {props.children}
      <button
        type="submit"
        disabled={pending}
        className={`min-h-6 rounded px-3 py-1.5 text-sm font-medium text-white focus:outline-none focus:ring-2 focus:ring-stone-500 disabled:opacity-60 ${props.danger ? "bg-red-700 hover:bg-red-800" : "bg-stone-900 hover:bg-stone-700"}`}
      >
        {pending ? "Working…" : props.submitLabel}
      </button>
      <div aria-live="polite">
        {state.ok && (
          <p className="text-sm text-teal-800" role="status">
            {state.ok}
          </p>
        )}
        {state.error && (
          <p className="text-sm text-red-700" role="alert">
            {state.error}
          </p>
        )}
        {state.link && (
          <div className="mt-2 flex flex-wrap items-center gap-2 rounded border border-amber-300 bg-amber-50 p-3">
            <code className="break-all rounded bg-white px-2 py-1 font-mono text-xs" data-testid="invite-link">
              {state.link}
            </code>
            <button
              type="button"
              className="min-h-6 rounded border border-stone-400 px-2 py-1 text-xs"
              onClick={() => void navigator.clipboard?.writeText(state.link ?? "")}
            >
              Copy
            </button>
          </div>
        )}
      </div>
    </form>
  );
}
