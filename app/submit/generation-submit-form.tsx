"use client";
import { useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState } from "react";
import { formatBytes } from "@/lib/format/format-bytes";
import { MAX_DESCRIPTION_CHARS, fileExtension } from "@/lib/submissions/create-submission-input";
import type { Problem } from "@/lib/submissions/check-upload-file";
import { SubmitButton } from "../submit-button";
import { encodeManifestHeader, sendSubmissionUpload, type UploadServerError, type UploadStep } from "./send-submission-upload";
import { UploadErrors, UploadProgress } from "./upload-status";

type Kind = "generator" | "images";

const KIND_TEXT: Record<Kind, { label: string; hint: string; accept: string; extensions: string[] }> = {
  generator: {
    label: "Generator model",
    hint: "A .zip with manifest.json and model.onnx, or a single .onnx with the manifest below. We run it in the sandbox on the phase's fixed latents.",
    accept: ".zip,.onnx,application/zip",
    extensions: [".zip", ".onnx"],
  },
  images: {
    label: "Zip of generated PNGs",
    hint: "Exactly the phase's number of 84x108 PNGs in one .zip. Flagged on the leaderboard: nothing shows they came from a model.",
    accept: ".zip,application/zip",
    extensions: [".zip"],
  },
};

/**
 * The generation track's upload form (/submit?track=generation): the kind (a generator, or a zip
 * of images), the file, a manifest for a bare .onnx, a description. The file goes up as the raw
 * body of POST /api/submissions?track=generation&kind=... with XMLHttpRequest (upload progress);
 * the server's checks come back as a list of problems. Cheap checks (extension, size) run here.
 */
export function GenerationSubmitForm(props: { maxBytes: number; sampleCount: number; manifestTemplate: string; disabledReason?: string }) {
  const router = useRouter();
  const ids = useId();
  const [kind, setKind] = useState<Kind>("generator");
  const [file, setFile] = useState<File | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [description, setDescription] = useState("");
  const [manifest, setManifest] = useState(props.manifestTemplate);
  const [serverError, setServerError] = useState<UploadServerError | null>(null);
  const [step, setStep] = useState<UploadStep>({ step: "idle" });
  const errorsRef = useRef<HTMLDivElement>(null);
  const busy = step.step !== "idle";
  const showManifest = kind === "generator" && file !== null && fileExtension(file.name) === ".onnx";
  useEffect(() => {
    if (serverError) errorsRef.current?.focus();
  }, [serverError]);

  function check(picked: File | null, k: Kind): Problem[] {
    if (!picked) return [];
    const out: Problem[] = [];
    if (!KIND_TEXT[k].extensions.includes(fileExtension(picked.name)))
      out.push({ message: `A ${KIND_TEXT[k].label.toLowerCase()} is a ${KIND_TEXT[k].extensions.join(" or ")} file.` });
    if (picked.size === 0) out.push({ message: "The file is empty." });
    if (picked.size > props.maxBytes)
      out.push({ message: `The file is ${formatBytes(picked.size)}; the limit is ${formatBytes(props.maxBytes)}.` });
    return out;
  }

  function onKind(k: Kind) {
    setKind(k);
    setServerError(null);
    setProblems(check(file, k));
  }

  function onFileChange(event: React.ChangeEvent<HTMLInputElement>) {
    const picked = event.target.files?.[0] ?? null;
    setFile(picked);
    setServerError(null);
    setProblems(check(picked, kind));
  }

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setServerError(null);
    if (!file) {
      setProblems([{ message: "Choose a file to upload." }]);
      return;
    }
    if (problems.length > 0) {
      errorsRef.current?.focus();
      return;
    }
    let manifestHeader: string | undefined;
    if (showManifest) {
      const encoded = encodeManifestHeader(manifest);
      if ("problem" in encoded) {
        setProblems([encoded.problem]);
        return;
      }
      manifestHeader = encoded.header;
    }
    const query = new URLSearchParams({ track: "generation", kind, fileName: file.name, description });
    sendSubmissionUpload({
      query,
      file,
      contentType: "application/octet-stream",
      manifestHeader,
      onStep: setStep,
      onCreated: (id) => router.push(`/submissions/${id}`),
      onFailed: (status, error) =>
        setServerError(
          status === 401
            ? { message: "You are signed out (the session ended, perhaps in another tab). Sign in again, then submit." }
            : error,
        ),
    });
  }

  const shown = serverError ? (serverError.details ?? []) : problems;
  const headline = serverError ? serverError.message : problems.length > 0 ? "This file cannot be submitted:" : null;

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      className="space-y-5 rounded border border-stone-200 bg-white p-4 sm:p-6"
      aria-busy={busy}
      data-testid="generation-submit-form"
    >
      {props.disabledReason && (
        <p role="status" className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-800">
          {props.disabledReason}
        </p>
      )}
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">What are you submitting?</legend>
        {(Object.keys(KIND_TEXT) as Kind[]).map((k) => (
          <label key={k} className="flex items-start gap-2 text-sm">
            <input
              type="radio"
              name="kind"
              value={k}
              checked={kind === k}
              onChange={() => onKind(k)}
              disabled={busy}
              className="mt-0.5 size-4"
            />
            <span>
              <span className="font-medium">{KIND_TEXT[k].label}</span>
              <span className="block text-xs text-stone-500">{KIND_TEXT[k].hint}</span>
            </span>
          </label>
        ))}
      </fieldset>

      <div className="space-y-1">
        <label htmlFor={`${ids}-file`} className="block text-sm font-medium">
          File
        </label>
        <input
          id={`${ids}-file`}
          name="file"
          type="file"
          accept={KIND_TEXT[kind].accept}
          onChange={onFileChange}
          disabled={busy || props.disabledReason !== undefined}
          aria-describedby={`${ids}-file-hint`}
          aria-invalid={problems.length > 0 ? true : undefined}
          className="block w-full text-sm file:mr-3 file:rounded file:border file:border-stone-300 file:bg-stone-100 file:px-3 file:py-2 file:font-medium hover:file:bg-stone-200 focus:outline-none focus-visible:ring-2 focus-visible:ring-stone-500"
        />
        <p id={`${ids}-file-hint`} className="text-xs text-stone-500">
          Up to {formatBytes(props.maxBytes)}. This phase generates {props.sampleCount.toLocaleString("en")} images per entry
          {kind === "images" && <> (so the zip must hold exactly {props.sampleCount.toLocaleString("en")} PNGs)</>}.
        </p>
        {file && problems.length === 0 && (
          <p className="text-sm text-stone-700" data-testid="file-summary">
            {kind === "images" ? "Images zip" : fileExtension(file.name) === ".zip" ? "Generator bundle (zip)" : "ONNX generator"},{" "}
            {formatBytes(file.size)}
          </p>
        )}
      </div>

      {showManifest && (
        <div className="space-y-1">
          <label htmlFor={`${ids}-manifest`} className="block text-sm font-medium">
            Manifest (manifest.json)
          </label>
          <textarea
            id={`${ids}-manifest`}
            value={manifest}
            onChange={(e) => setManifest(e.target.value)}
            rows={12}
            spellCheck={false}
            disabled={busy}
            className="w-full rounded border border-stone-300 bg-white px-3 py-2 font-mono text-xs focus:outline-none focus:ring-2 focus:ring-stone-500"
          />
          <p className="text-xs text-stone-500">
            Name the model&rsquo;s latent input (float32 [N, 64]) and image output ([N, 108, 84, 3] NHWC or NCHW) and the output&rsquo;s
            range; add{" "}
            <code>
              &quot;condition&quot;: {"{"} &quot;input&quot;: &quot;…&quot; {"}"}
            </code>{" "}
            for a conditional generator.
          </p>
        </div>
      )}

      <div className="space-y-1">
        <label htmlFor={`${ids}-description`} className="block text-sm font-medium">
          Description <span className="font-normal text-stone-500">(optional)</span>
        </label>
        <textarea
          id={`${ids}-description`}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          maxLength={MAX_DESCRIPTION_CHARS}
          rows={2}
          disabled={busy}
          className="w-full rounded border border-stone-300 bg-white px-3 py-2 focus:outline-none focus:ring-2 focus:ring-stone-500"
        />
      </div>

      {headline && <UploadErrors headline={headline} problems={shown} errorsRef={errorsRef} />}

      <UploadProgress id={`${ids}-progress`} step={step} what={kind === "images" ? "images" : "generator"} />

      <SubmitButton
        busy={busy}
        disabled={props.disabledReason !== undefined}
        label="Submit"
        busyLabel="Submitting…"
        className="w-full sm:w-auto"
      />
    </form>
  );
}
