"use client";
import { useId, useState } from "react";
import { formatBytes } from "@/lib/format/format-bytes";
import {
  MAX_DESCRIPTION_CHARS,
  PREDICTIONS_CSV_HEADER,
  fileExtension,
  inferSubmissionKind,
  needsSeparateManifest,
} from "@/lib/submissions/create-submission-input";
import { checkUploadFile } from "@/lib/submissions/check-upload-file";
import { DescriptionField, DisabledNotice, FileField, ManifestField, UploadSubmitButton } from "./upload-fields";
import { UploadErrors, UploadProgress } from "./upload-status";
import { useSubmissionUpload } from "./use-submission-upload";

interface EarlierUpload {
  sha256: string;
  fileName: string;
  createdAt: string;
  id: string;
}

/**
 * The upload form. Cheap checks run in the browser the moment a file is picked (type, size,
 * empty, a CSV's header and row count), so an obviously wrong file never leaves the machine;
 * everything else is the server's job, whose problems are listed line by line. The file goes
 * up as the raw request body with XMLHttpRequest, the one browser API that reports upload
 * progress.
 */
export function SubmitForm(props: {
  testCount: number;
  maxCsvBytes: number;
  maxModelBytes: number;
  manifestTemplate: string;
  disabledReason?: string;
  /** Hashes of the user's earlier uploads: the same file again is worth a warning. */
  earlierUploads?: readonly EarlierUpload[];
}) {
  const ids = useId();
  const upload = useSubmissionUpload();
  const { problems, busy } = upload;
  const [file, setFile] = useState<File | null>(null);
  const [notes, setNotes] = useState<string[]>([]);
  const [description, setDescription] = useState("");
  const [manifest, setManifest] = useState(props.manifestTemplate);
  const [duplicate, setDuplicate] = useState<EarlierUpload | null>(null);
  const [duplicateOk, setDuplicateOk] = useState(false);
  // A 401 (the session ended in another tab): the file stays in state while the user signs in.
  const [needsSignIn, setNeedsSignIn] = useState(false);
  const kind = file ? inferSubmissionKind(file.name) : undefined;
  const showManifest = file !== null && needsSeparateManifest(file.name);

  async function onFileChange(event: React.ChangeEvent<HTMLInputElement>) {
    const picked = event.target.files?.[0] ?? null;
    setFile(picked);
    upload.showFileProblems([]);
    setNotes([]);
    setDuplicate(null);
    setDuplicateOk(false);
    if (!picked) return;
    const [result, hash] = await Promise.all([
      checkUploadFile({ file: picked, testCount: props.testCount, maxCsvBytes: props.maxCsvBytes, maxModelBytes: props.maxModelBytes }),
      sha256Hex(picked),
    ]);
    upload.showFileProblems(result.problems);
    setNotes(result.notes);
    setDuplicate((hash && props.earlierUploads?.find((e) => e.sha256 === hash)) || null);
  }

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!upload.canSend(file)) return;
    if (duplicate && !duplicateOk) {
      document.getElementById(`${ids}-duplicate-ok`)?.focus();
      return;
    }
    setNeedsSignIn(false);
    const query = new URLSearchParams({ fileName: file.name, description });
    if (kind) query.set("kind", kind);
    upload.send({
      file,
      query,
      contentType: kind === "csv" ? "text/csv" : "application/octet-stream",
      manifest: showManifest ? manifest : undefined,
      signedOut: () => {
        setNeedsSignIn(true);
        return {
          message:
            "You are signed out (the session ended, perhaps in another tab). Your file and description are kept here: sign in, then press Submit again.",
        };
      },
    });
  }

  const headline = upload.serverError
    ? upload.serverError.message
    : problems.length > 0
      ? problems.length === 1
        ? "This file cannot be submitted:"
        : `This file cannot be submitted (${problems.length} problems):`
      : null;

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5 rounded border border-stone-200 bg-white p-4 sm:p-6" aria-busy={busy}>
      <DisabledNotice reason={props.disabledReason} />

      <FileField
        id={`${ids}-file`}
        accept=".csv,.zip,.onnx,text/csv,application/zip"
        onChange={onFileChange}
        disabled={busy || props.disabledReason !== undefined}
        invalid={problems.length > 0}
        hint={
          <>
            A predictions <code>.csv</code> (up to {formatBytes(props.maxCsvBytes)}), or a model as <code>.zip</code> or <code>.onnx</code>{" "}
            (up to {formatBytes(props.maxModelBytes)}).
          </>
        }
        summary={
          file && (
            <>
              {kind === "csv" ? "Predictions CSV" : fileExtension(file.name) === ".zip" ? "Model bundle (zip)" : "ONNX model"},{" "}
              {formatBytes(file.size)}
              {notes.length > 0 && <> &mdash; {notes.join("; ")}</>}
            </>
          )
        }
      />

      {duplicate && problems.length === 0 && (
        <div
          role="status"
          className="space-y-2 rounded border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950"
          data-testid="duplicate-warning"
        >
          <p>
            You already submitted this exact file (same SHA-256) on {duplicate.createdAt.slice(0, 16).replace("T", " ")} UTC as{" "}
            <a href={`/submissions/${duplicate.id}`} className="underline">
              {duplicate.fileName}
            </a>
            . Submitting it again uses one of your daily submissions and gives the same score.
          </p>
          <label htmlFor={`${ids}-duplicate-ok`} className="flex min-h-6 items-center gap-2">
            <input
              id={`${ids}-duplicate-ok`}
              type="checkbox"
              className="size-4"
              checked={duplicateOk}
              onChange={(e) => setDuplicateOk(e.target.checked)}
            />
            Submit it again anyway
          </label>
        </div>
      )}

      {showManifest && (
        <ManifestField
          id={`${ids}-manifest`}
          value={manifest}
          onChange={setManifest}
          rows={16}
          disabled={busy}
          hint={
            <>
              A single <code>.onnx</code> file carries no manifest, so enter it here. The template assumes a PyTorch export: NCHW input of
              pixels scaled to 0..1 and normalised with the dataset&rsquo;s channel mean and std, and three outputs in the order Gender,
              Hair_Color, Hair_Type (an <code>output</code> may also be a name). List each output&rsquo;s classes in your model&rsquo;s
              order.
            </>
          }
        />
      )}

      <DescriptionField
        id={`${ids}-description`}
        value={description}
        onChange={setDescription}
        disabled={busy}
        hint={<>What you tried, for your own records (at most {MAX_DESCRIPTION_CHARS} characters).</>}
      />

      {headline && (
        <UploadErrors headline={headline} problems={upload.shownProblems} errorsRef={upload.errorsRef}>
          {needsSignIn && (
            <p>
              <a
                href="/sign-in?callbackUrl=%2Fsubmit"
                target="_blank"
                rel="noopener"
                className="font-semibold underline"
                data-testid="sign-in-again"
              >
                Sign in (opens a new tab)
              </a>{" "}
              &mdash; this tab keeps {file ? <>&ldquo;{file.name}&rdquo;</> : "your form"}; come back to it afterwards.
            </p>
          )}
        </UploadErrors>
      )}

      <UploadProgress id={`${ids}-progress`} step={upload.step} what="file" />

      <UploadSubmitButton busy={busy} disabled={props.disabledReason !== undefined || (duplicate !== null && !duplicateOk)} />
      <p className="text-xs text-stone-500">
        Expected CSV header: <code>{PREDICTIONS_CSV_HEADER}</code>
      </p>
    </form>
  );
}

/**
 * The file's SHA-256 in hex, as the server records it; null where Web Crypto is unavailable
 * (a page served over plain http from another host), which only skips the duplicate warning.
 */
async function sha256Hex(file: File): Promise<string | null> {
  if (typeof crypto === "undefined" || !crypto.subtle) return null;
  try {
    const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  } catch {
    return null;
  }
}
