/**
 * The primary button of a form that sends in the background: disabled while busy, and saying
 * what is going on meanwhile. `className` adds layout (full width, text size).
 */
export function SubmitButton(props: { busy: boolean; label: string; busyLabel: string; disabled?: boolean; className?: string }) {
  return (
    <button
      type="submit"
      disabled={props.busy || props.disabled === true}
      className={`rounded bg-stone-900 px-4 py-2 font-medium text-white hover:bg-stone-700 focus:outline-none focus:ring-2 focus:ring-stone-500 focus:ring-offset-2 disabled:opacity-60${props.className ? ` ${props.className}` : ""}`}
    >
      {props.busy ? props.busyLabel : props.label}
    </button>
  );
}
