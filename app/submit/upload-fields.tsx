import type { ReactNode } from "react";
import { MAX_DESCRIPTION_CHARS } from "@/lib/submissions/create-submission-input";
import { SubmitButton } from "../submit-button";

/**
 * The fields both upload forms share (file, manifest, description), the form's disabled notice
 * and its Submit button. Each form passes its own accepted files, hints and summary.
 */

/** A labelled field with its hint under it; the control refers to the hint as `${id}-hint`. */
function UploadField(props: { id: string; label: ReactNode; hint?: ReactNode; children: ReactNode; footer?: ReactNode }) {
  return (
    <div className="space-y-1">
      <label htmlFor={props.id} className="block text-sm font-medium">
        {props.label}
      </label>
      {props.children}
      {props.hint && (
        <p id={`${props.id}-hint`} className="text-xs text-stone-500">
          {props.hint}
        </p>
      )}
      {props.footer}
    </div>
  );
}

const hintId = (id: string, hint: ReactNode) => (hint ? `${id}-hint` : undefined);

/** The file picker; `summary` (what the picked file is) shows under the hint while the file has no problems. */
export function FileField(props: {
  id: string;
  accept: string;
  onChange: (event: React.ChangeEvent<HTMLInputElement>) => void;
  disabled: boolean;
  invalid: boolean;
  hint: ReactNode;
  summary: ReactNode;
}) {
  return (
    <UploadField
      id={props.id}
      label="File"
      hint={props.hint}
      footer={
        props.summary &&
        !props.invalid && (
          <p className="text-sm text-stone-700" data-testid="file-summary">
            {props.summary}
          </p>
        )
      }
    >
      <input
        id={props.id}
        name="file"
        type="file"
        accept={props.accept}
        onChange={props.onChange}
        disabled={props.disabled}
        aria-describedby={hintId(props.id, props.hint)}
        aria-invalid={props.invalid ? true : undefined}
        className="block w-full text-sm file:mr-3 file:rounded file:border file:border-stone-300 file:bg-stone-100 file:px-3 file:py-2 file:font-medium hover:file:bg-stone-200 focus:outline-none focus-visible:ring-2 focus-visible:ring-stone-500"
      />
    </UploadField>
  );
}

/** A textarea field; `code` is for JSON: monospaced, no spell check. */
function TextAreaField(props: {
  id: string;
  name: string;
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  rows: number;
  disabled: boolean;
  hint?: ReactNode;
  maxLength?: number;
  code?: boolean;
}) {
  return (
    <UploadField id={props.id} label={props.label} hint={props.hint}>
      <textarea
        id={props.id}
        name={props.name}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        maxLength={props.maxLength}
        rows={props.rows}
        spellCheck={props.code ? false : undefined}
        disabled={props.disabled}
        aria-describedby={hintId(props.id, props.hint)}
        className={`w-full rounded border border-stone-300 bg-white px-3 py-2 ${props.code ? "font-mono text-xs " : ""}focus:outline-none focus:ring-2 focus:ring-stone-500`}
      />
    </UploadField>
  );
}

/** The manifest of a bare .onnx file, typed as JSON. */
export function ManifestField(props: {
  id: string;
  value: string;
  onChange: (value: string) => void;
  rows: number;
  disabled: boolean;
  hint: ReactNode;
}) {
  return <TextAreaField {...props} name="manifest" label="Manifest (manifest.json)" code />;
}

/** The submission's optional description, at most MAX_DESCRIPTION_CHARS. */
export function DescriptionField(props: {
  id: string;
  value: string;
  onChange: (value: string) => void;
  disabled: boolean;
  hint?: ReactNode;
}) {
  return (
    <TextAreaField
      {...props}
      name="description"
      label={
        <>
          Description <span className="font-normal text-stone-500">(optional)</span>
        </>
      }
      rows={2}
      maxLength={MAX_DESCRIPTION_CHARS}
    />
  );
}

/** Why the form cannot be sent right now (no quota left, no open phase), above its fields. */
export function DisabledNotice({ reason }: { reason?: string }) {
  if (!reason) return null;
  return (
    <p role="status" className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-800">
      {reason}
    </p>
  );
}

/** The form's Submit button, "Submitting…" while the upload runs. */
export function UploadSubmitButton(props: { busy: boolean; disabled: boolean }) {
  return <SubmitButton busy={props.busy} disabled={props.disabled} label="Submit" busyLabel="Submitting…" className="w-full sm:w-auto" />;
}
