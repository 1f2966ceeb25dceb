import type { Problem } from "@/lib/submissions/check-upload-file";
import type { UploadStep } from "./send-submission-upload";

/**
 * The upload's progress bar while the file goes up, then "Uploaded. Checking the <what>…" while
 * the server reads it; announced politely to screen readers.
 */
export function UploadProgress({ id, step, what }: { id: string; step: UploadStep; what: string }) {
  return (
    <div aria-live="polite" className="text-sm text-stone-700">
      {step.step === "uploading" && (
        <div className="space-y-1">
          <label htmlFor={id}>Uploading&hellip; {Math.round(step.fraction * 100)}%</label>
          <progress id={id} max={1} value={step.fraction} className="block h-2 w-full accent-teal-600" />
        </div>
      )}
      {step.step === "checking" && <p>Uploaded. Checking the {what}&hellip;</p>}
    </div>
  );
}

/**
 * The alert box of an upload's problems: the headline, anything the form adds (`children`), and
 * each problem with its line number, or else its field, in front.
 */
export function UploadErrors({
  headline,
  problems,
  errorsRef,
  children,
}: {
  headline: string;
  problems: readonly Problem[];
  errorsRef: React.RefObject<HTMLDivElement | null>;
  children?: React.ReactNode;
}) {
  return (
    <div
      ref={errorsRef}
      tabIndex={-1}
      role="alert"
      className="space-y-2 rounded border border-red-300 bg-red-50 p-3 text-sm text-red-900 focus:outline-none focus:ring-2 focus:ring-red-500"
      data-testid="upload-errors"
    >
      <p className="font-medium">{headline}</p>
      {children}
      {problems.length > 0 && (
        <ul className="max-h-80 list-disc space-y-1 overflow-y-auto pl-5">
          {problems.map((p, i) => (
            <li key={i}>
              {p.line !== undefined && <span className="font-semibold">Line {p.line}: </span>}
              {p.field !== undefined && p.line === undefined && p.field !== "" && <span className="font-semibold">{p.field}: </span>}
              {p.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
