"use client";
import { useId, useState } from "react";
import { formatBytes } from "@/lib/format/format-bytes";
import { fileExtension } from "@/lib/submissions/create-submission-input";
import type { Problem } from "@/lib/submissions/check-upload-file";
import { DescriptionField, DisabledNotice, FileField, ManifestField, UploadSubmitButton } from "./upload-fields";
import { UploadErrors, UploadProgress } from "./upload-status";
import { useSubmissionUpload } from "./use-submission-upload";

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
  const ids = useId();
  const upload = useSubmissionUpload();
  const { problems, busy } = upload;
  const [kind, setKind] = useState<Kind>("generator");
  const [file, setFile] = useState<File | null>(null);
  const [description, setDescription] = useState("");
  const [manifest, setManifest] = useState(props.manifestTemplate);
  const showManifest = kind === "generator" && file !== null && fileExtension(file.name) === ".onnx";

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
    upload.showFileProblems(check(file, k));
  }

  function onFileChange(event: React.ChangeEvent<HTMLInputElement>) {
    const picked = event.target.files?.[0] ?? null;
    setFile(picked);
    upload.showFileProblems(check(picked, kind));
  }

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!upload.canSend(file)) return;
    upload.send({
      file,
      query: new URLSearchParams({ track: "generation", kind, fileName: file.name, description }),
      contentType: "application/octet-stream",
      manifest: showManifest ? manifest : undefined,
      signedOut: () => ({ message: "You are signed out (the session ended, perhaps in another tab). Sign in again, then submit." }),
    });
  }

  const headline = upload.serverError ? upload.serverError.message : problems.length > 0 ? "This file cannot be submitted:" : null;

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      className="space-y-5 rounded border border-stone-200 bg-white p-4 sm:p-6"
      aria-busy={busy}
      data-testid="generation-submit-form"
    >
      <DisabledNotice reason={props.disabledReason} />
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

      <FileField
        id={`${ids}-file`}
        accept={KIND_TEXT[kind].accept}
        onChange={onFileChange}
        disabled={busy || props.disabledReason !== undefined}
        invalid={problems.length > 0}
        hint={
          <>
            Up to {formatBytes(props.maxBytes)}. This phase generates {props.sampleCount.toLocaleString("en")} images per entry
            {kind === "images" && <> (so the zip must hold exactly {props.sampleCount.toLocaleString("en")} PNGs)</>}.
          </>
        }
        summary={
          file && (
            <>
              {kind === "images" ? "Images zip" : fileExtension(file.name) === ".zip" ? "Generator bundle (zip)" : "ONNX generator"},{" "}
              {formatBytes(file.size)}
            </>
          )
        }
      />

      {showManifest && (
        <ManifestField
          id={`${ids}-manifest`}
          value={manifest}
          onChange={setManifest}
          rows={12}
          disabled={busy}
          hint={
            <>
              Name the model&rsquo;s latent input (float32 [N, 64]) and image output ([N, 108, 84, 3] NHWC or NCHW) and the output&rsquo;s
              range; add{" "}
              <code>
                &quot;condition&quot;: {"{"} &quot;input&quot;: &quot;…&quot; {"}"}
              </code>{" "}
              for a conditional generator.
            </>
          }
        />
      )}

      <DescriptionField id={`${ids}-description`} value={description} onChange={setDescription} disabled={busy} />

      {headline && <UploadErrors headline={headline} problems={upload.shownProblems} errorsRef={upload.errorsRef} />}

      <UploadProgress id={`${ids}-progress`} step={upload.step} what={kind === "images" ? "images" : "generator"} />

      <UploadSubmitButton busy={busy} disabled={props.disabledReason !== undefined} />
    </form>
  );
}
