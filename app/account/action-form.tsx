"use client";
import { useActionState, type ReactNode } from "react";
import type { AccountActionState } from "./actions";

/** What an action answers: the account's, or a team action's (app/teams/actions.ts) with a new invitation link. */
export type ActionFormState = AccountActionState & { link?: string };

/**
 * A form bound to one account or team action: shows its answer (or error) under the fields, and
 * a new API token or invitation link once, with a copy button. Works as a plain form when
 * JavaScript is off too.
 */
export function ActionForm(props: {
  action: (state: ActionFormState, formData: FormData) => Promise<ActionFormState>;
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
        {state.token && <NewToken name={state.token.name} value={state.token.value} />}
        {state.link && <NewLink value={state.link} />}
      </div>
    </form>
  );
}

function NewLink(props: { value: string }) {
  return <CopyableValue value={props.value} testId="invite-link" className="mt-2 rounded border border-amber-300 bg-amber-50 p-3" />;
}

/** A secret or link shown once, with a button that copies it. */
function CopyableValue(props: { value: string; testId: string; className?: string }) {
  return (
    <div className={`flex flex-wrap items-center gap-2 ${props.className ?? ""}`}>
      <code className="break-all rounded bg-white px-2 py-1 font-mono text-xs" data-testid={props.testId}>
        {props.value}
      </code>
      <button
        type="button"
        className="min-h-6 rounded border border-stone-400 px-2 py-1 text-xs"
        onClick={() => void navigator.clipboard?.writeText(props.value)}
      >
        Copy
      </button>
    </div>
  );
}

function NewToken(props: { name: string; value: string }) {
  // Shown after the create action, in the browser: the site's own address for --url.
  const site = typeof window === "undefined" ? "https://this-site" : window.location.origin;
  return (
    <div className="mt-2 space-y-2 rounded border border-amber-300 bg-amber-50 p-3 text-sm" data-testid="new-token">
      <p className="font-medium">Your new token “{props.name}”. Copy it now: it is shown only this once.</p>
      <CopyableValue value={props.value} testId="new-token-value" />
      <p className="text-stone-700">
        Use it with the CLI: <code className="break-all font-mono text-xs">node tp.mjs login --url {site}</code> (or{" "}
        <code className="break-all font-mono text-xs">python3 tp.py login --url {site}</code>), then paste the token when asked; it is not
        shown as you paste it and stays out of your shell history (see{" "}
        <a className="underline" href="/cli">
          API &amp; CLI
        </a>
        ).
      </p>
    </div>
  );
}
