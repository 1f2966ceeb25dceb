import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { runModelInSandbox, type SandboxLimits, type SandboxStats } from "@/scorer/sandbox/run-model-in-sandbox";
import { sanitiseHostPaths } from "@/scorer/sandbox/sanitise-host-paths";
import { makeOwnedTempDir } from "@/scorer/sandbox/temp-folders";
import { buildPaths } from "../../lib/dataset/layout";
import { computeScores } from "../../lib/metrics/compute-scores";
import type { Scores } from "../../lib/metrics/types";
import { extractModelBundle } from "../../lib/models/extract-model-bundle";
import type { ModelFormat } from "../../lib/models/manifest";
import { loadHiddenLabels } from "../../lib/scoring/load-hidden-labels";

export type ScoreModelResult =
  | { ok: true; scores: Scores; format: ModelFormat; log: string; stats: SandboxStats }
  | {
      ok: false;
      /** What went wrong, for the participant: which check, limit or output. */
      message: string;
      /** "bundle": refused before running; otherwise the sandbox's failure reason. */
      reason: string;
      log: string;
    };

/**
 * Runs an uploaded model on a build's hidden test images in the sandbox and scores its
 * predictions on both parts. The upload is re-inspected and extracted into a private temp folder
 * (removed afterwards); the sandbox sees that folder and test.u8, never the labels.
 *
 * Participant faults come back as `ok: false`. Platform faults (sandbox set-up, disk) throw:
 * the caller treats those as system failures and retries.
 */
export async function scoreModel(options: {
  dataDir: string;
  buildDir: string;
  /** The uploaded zip or .onnx. */
  file: string;
  /** manifest.json text for a bare .onnx upload. */
  manifestJson?: string;
  limits?: Partial<SandboxLimits>;
  /** Extra folders the sandbox must not see even from native code (uploads, database). */
  maskPaths?: string[];
  tmpDir?: string;
  onLog?: (text: string) => void;
  /** Aborting stops the sandbox and rejects (the job is released, not failed). */
  signal?: AbortSignal;
}): Promise<ScoreModelResult> {
  // Owned by this process: if it is killed, the next worker start removes the folder.
  const work = await makeOwnedTempDir("tp-model-", options.tmpDir ?? os.tmpdir());
  try {
    const extracted = await extractModelBundle({
      file: options.file,
      manifestJson: options.manifestJson,
      destDir: path.join(work, "bundle"),
    });
    // Extraction errors may name the temp folder (EEXIST, ENOSPC): the participant sees file names only.
    if (!extracted.ok)
      return { ok: false, reason: "bundle", message: sanitiseHostPaths(extracted.errors.join("\n"), [{ path: work, as: "" }]), log: "" };
    const run = await runModelInSandbox({
      bundleDir: extracted.dir,
      testCacheDir: buildPaths(options.buildDir).cacheDir,
      limits: options.limits,
      maskPaths: options.maskPaths,
      onLog: options.onLog,
      signal: options.signal,
    });
    if (!run.ok) return { ok: false, reason: run.reason, message: run.message, log: run.log };
    const labels = await loadHiddenLabels({ dataDir: options.dataDir, buildDir: options.buildDir });
    const scores = computeScores({ labels, predictions: run.predictions });
    return { ok: true, scores, format: extracted.bundle.format, log: run.log, stats: run.stats };
  } finally {
    await fsp.rm(work, { recursive: true, force: true });
  }
}

/**
 * Folders to hide from the sandbox besides the build's hidden/ (which it always masks): the
 * uploads (other participants' files) and the SQLite database's folder. A folder that contains
 * what the sandbox needs (the test cache, the temp folder with the bundle) cannot be masked; the
 * permission model still keeps JavaScript out of it, so it is skipped rather than failing.
 */
export async function sandboxMaskPaths(options: { candidates: string[]; needed: string[] }): Promise<string[]> {
  const needed = await Promise.all(options.needed.map((p) => fsp.realpath(p).catch(() => path.resolve(p))));
  const out: string[] = [];
  for (const candidate of options.candidates) {
    const real = await fsp.realpath(candidate).catch(() => undefined);
    if (!real || !(await fsp.stat(real)).isDirectory()) continue;
    const containsNeeded = needed.some((n) => {
      const rel = path.relative(real, n);
      return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
    });
    if (!containsNeeded && !out.includes(real)) out.push(real);
  }
  return out;
}
