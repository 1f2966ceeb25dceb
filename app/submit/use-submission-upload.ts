"use client";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import type { Problem } from "@/lib/submissions/check-upload-file";
import { encodeManifestHeader, sendSubmissionUpload, type UploadServerError, type UploadStep } from "./send-submission-upload";

/**
 * What both upload forms keep and do around their file: the problems the browser found in it,
 * the server's answer, the upload's step, and the send itself. Each form keeps its own fields,
 * checks and wording; this is the part where they must not drift apart.
 */
export function useSubmissionUpload() {
  const router = useRouter();
  const [problems, setProblems] = useState<Problem[]>([]);
  const [serverError, setServerError] = useState<UploadServerError | null>(null);
  const [step, setStep] = useState<UploadStep>({ step: "idle" });
  const errorsRef = useRef<HTMLDivElement>(null);
  // The server's answer is read out and focused, so keyboard and screen-reader users land on it.
  useEffect(() => {
    if (serverError) errorsRef.current?.focus();
  }, [serverError]);

  /** A newly picked file (or kind): its own problems replace the last answer. */
  function showFileProblems(found: Problem[]) {
    setServerError(null);
    setProblems(found);
  }

  /** Whether the form may send: false, with the reason shown, when no file is picked or it has known problems. */
  function canSend(file: File | null): file is File {
    setServerError(null);
    if (!file) {
      setProblems([{ message: "Choose a file to upload." }]);
      return false;
    }
    if (problems.length > 0) {
      errorsRef.current?.focus();
      return false;
    }
    return true;
  }

  /**
   * Sends the file (with the typed manifest, where the form shows one) and opens the new
   * submission's page. A 401 shows the form's own `signedOut` error: each form says what becomes
   * of the file while the user signs in again.
   */
  function send(options: {
    file: File;
    query: URLSearchParams;
    contentType: string;
    manifest?: string;
    signedOut: () => UploadServerError;
  }): void {
    let manifestHeader: string | undefined;
    if (options.manifest !== undefined) {
      const encoded = encodeManifestHeader(options.manifest);
      if ("problem" in encoded) {
        setProblems([encoded.problem]);
        return;
      }
      manifestHeader = encoded.header;
    }
    sendSubmissionUpload({
      query: options.query,
      file: options.file,
      contentType: options.contentType,
      manifestHeader,
      onStep: setStep,
      onCreated: (id) => router.push(`/submissions/${id}`),
      onFailed: (status, error) => setServerError(status === 401 ? options.signedOut() : error),
    });
  }

  return {
    problems,
    serverError,
    step,
    busy: step.step !== "idle",
    errorsRef,
    /** The list under the headline: the server's details once it answered, else the browser's problems. */
    shownProblems: serverError ? (serverError.details ?? []) : problems,
    showFileProblems,
    canSend,
    send,
  };
}
