import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect, type Page } from "@playwright/test";
import { makeManifest, writeOnnxBundle } from "../test-support/models/model-fixtures";

/*
 * The participant CLIs (starter-kit/cli) as a participant runs them in the e2e suite: child
 * processes with a home of their own (the credentials file goes under it), talking to `npm start`.
 */

const run = promisify(execFile);
const CLI_DIR = path.resolve(__dirname, "..", "starter-kit", "cli");

export type CliKind = "node" | "python";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A participant's machine: a fresh home folder for one CLI. */
export function cliHome(kind: CliKind): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `tp-e2e-${kind}-cli-`));
}

/** The CLI's environment: its own home, no XDG_CONFIG_HOME / TP_URL / TP_TOKEN from ours. */
function cliEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
  delete env.XDG_CONFIG_HOME;
  delete env.TP_URL;
  delete env.TP_TOKEN;
  return env;
}

/** Runs `node tp.mjs ARGS` or `python3 tp.py ARGS` (the first python3 on PATH, or $PYTHON) in `home`. */
export async function runCli(kind: CliKind, home: string, args: string[]): Promise<CliResult> {
  const [command, script] = kind === "node" ? [process.execPath, "tp.mjs"] : [process.env.PYTHON ?? "python3", "tp.py"];
  try {
    const { stdout, stderr } = await run(command, [path.join(CLI_DIR, script), ...args], {
      env: cliEnv(home),
      cwd: home,
      timeout: 180_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? String(error) };
  }
}

/** On the account page (signed in): creates a token with both scopes and returns the value shown once. */
export async function createTokenOnAccountPage(page: Page, name: string): Promise<string> {
  await page.goto("/account");
  const form = page.getByTestId("token-form");
  await form.getByLabel("Name").fill(name);
  await form.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token-value").textContent({ timeout: 30_000 }))!.trim();
  expect(token).toMatch(/^tp_[A-Za-z0-9_-]{43}$/);
  return token;
}

/**
 * A small valid ONNX model and its manifest in `dir` (test-support's colour model: per-channel
 * means and one linear layer per attribute), which the sandbox really runs and scores.
 */
export function writeColourModel(dir: string): { model: string; manifest: string } {
  writeOnnxBundle(dir, { manifest: makeManifest("onnx"), heads: "sliced" });
  return { model: path.join(dir, "model.onnx"), manifest: path.join(dir, "manifest.json") };
}

/** The public score `submit --wait` / `status` printed. */
export function printedScore(output: string): number {
  const match = /public score \(mean macro-F1\): ([0-9.]+)/.exec(output);
  expect(match, output).not.toBeNull();
  return Number(match![1]);
}

/** The submission id `submit` printed ("Submitted NAME as ID"). */
export function submittedId(output: string): string {
  const match = /^Submitted .+ as (\S+)$/m.exec(output);
  expect(match, output).not.toBeNull();
  return match![1];
}
