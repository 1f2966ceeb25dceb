/** A labelled input with its error and hint wired up for screen readers. */
export function FormField(props: {
  name: string;
  label: string;
  type?: string;
  autoComplete?: string;
  error?: string;
  hint?: string;
  defaultValue?: string;
}) {
  const describedBy = [props.error ? `${props.name}-error` : "", props.hint ? `${props.name}-hint` : ""].filter(Boolean).join(" ");
  return (
    <div className="space-y-1">
      <label htmlFor={props.name} className="block text-sm font-medium">
        {props.label}
      </label>
      <input
        id={props.name}
        name={props.name}
        type={props.type ?? "text"}
        autoComplete={props.autoComplete}
        defaultValue={props.defaultValue}
        required
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy || undefined}
        className={`w-full rounded border bg-white px-3 py-2 focus:outline-none focus:ring-2 focus:ring-stone-500 ${props.error ? "border-red-500" : "border-stone-300"}`}
      />
      {props.hint && !props.error && (
        <p id={`${props.name}-hint`} className="text-xs text-stone-500">
          {props.hint}
        </p>
      )}
      {props.error && (
        <p id={`${props.name}-error`} className="text-sm text-red-700">
          {props.error}
        </p>
      )}
    </div>
  );
}
