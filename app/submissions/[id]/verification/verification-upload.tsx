"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

const input = "block w-full text-sm file:mr-2 file:rounded file:border file:border-stone-300 file:bg-white file:px-2 file:py-1";

/** Base64 of a text, for the X-Submission-Manifest header of a bare .onnx (UTF-8 safe). */
function base64(text: string): string {
  let binary = "";
  for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b);
  return btoa(binary);
}

/**
 * The two verification files, each sent as the raw body of its own request (the upload API's
 * format: no multipart buffering on the server). A file left empty is not sent, so one can be
 * replaced without the other.
 */
export function VerificationUpload(props: { submissionId: string; maxCodeBytes: number; maxModelBytes: number }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [, startRefresh] = useTransition();
  const [messages, setMessages] = useState<{ kind: "ok" | "error"; text: string }[]>([]);

  async function send(part: "code" | "model", file: File, manifest?: File): Promise<{ kind: "ok" | "error"; text: string }> {
    const max = part === "code" ? props.maxCodeBytes : props.maxModelBytes;
    if (file.size > max) return { kind: "error", text: `${file.name}: larger than the ${Math.round(max / 1024 / 1024)} MB limit.` };
    const headers: Record<string, string> = { "content-type": "application/octet-stream" };
    if (manifest) headers["x-submission-manifest"] = base64(await manifest.text());
    const url = `/api/submissions/${encodeURIComponent(props.submissionId)}/verification?part=${part}&fileName=${encodeURIComponent(file.name)}`;
    try {
      const res = await fetch(url, { method: "POST", headers, body: file });
      if (res.ok) return { kind: "ok", text: `${file.name}: received.` };
      const data = (await res.json().catch(() => null)) as { error?: { message?: string; details?: { message: string }[] } } | null;
      const details = data?.error?.details?.map((d) => d.message).join(" ") ?? "";
      return { kind: "error", text: `${file.name}: ${data?.error?.message ?? `HTTP ${res.status}`} ${details}`.trim() };
    } catch {
      return { kind: "error", text: `${file.name}: the server could not be reached.` };
    }
  }

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const pick = (name: string) => {
      const f = form.get(name);
      return f instanceof File && f.size > 0 ? f : undefined;
    };
    const code = pick("code");
    const model = pick("model");
    if (!code && !model) return setMessages([{ kind: "error", text: "Choose a file first." }]);
    setBusy(true);
    const results = [];
    if (code) results.push(await send("code", code));
    if (model) results.push(await send("model", model, pick("manifest")));
    setBusy(false);
    setMessages(results);
    startRefresh(() => router.refresh());
  }

  return (
    <form onSubmit={onSubmit} className="space-y-3 rounded border border-stone-200 bg-white p-4" aria-label="Upload verification files">
      <label className="block text-sm">
        <span className="font-medium">Training code</span> <span className="text-stone-600">(.zip or .tar.gz)</span>
        <input name="code" type="file" accept=".zip,.tar.gz,.tgz,application/zip,application/gzip" className={input} />
      </label>
      <label className="block text-sm">
        <span className="font-medium">Model</span>{" "}
        <span className="text-stone-600">(a .zip bundle, or a single .onnx with its manifest below)</span>
        <input name="model" type="file" accept=".zip,.onnx" className={input} />
      </label>
      <label className="block text-sm">
        <span className="text-stone-600">manifest.json (only for a single .onnx)</span>
        <input name="manifest" type="file" accept=".json,application/json" className={input} />
      </label>
      <button
        type="submit"
        disabled={busy}
        className="rounded border border-stone-800 bg-stone-800 px-3 py-1 text-sm font-medium text-white focus:outline-none focus:ring-2 focus:ring-stone-500 disabled:opacity-50"
      >
        {busy ? "Uploading…" : "Upload"}
      </button>
      <ul aria-live="polite" className="space-y-1 text-sm">
        {messages.map((m, i) => (
          <li key={i} className={m.kind === "error" ? "text-red-700" : "text-teal-800"}>
            {m.text}
          </li>
        ))}
      </ul>
    </form>
  );
}
