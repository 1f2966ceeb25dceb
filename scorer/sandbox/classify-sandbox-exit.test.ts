import { describe, expect, it } from "vitest";
import { classifySandboxExit, type ClassifySandboxExitOptions } from "./classify-sandbox-exit";

const base: ClassifySandboxExitOptions = {
  exit: { code: 0, signal: null },
  signalsAsExitCodes: false,
  done: true,
  filledCount: 10,
  count: 10,
  limits: { memoryMb: 768, cpuSeconds: 20, wallSeconds: 30, threads: 2 },
  totalSeconds: 1,
  logTail: "",
};
const classify = (o: Partial<ClassifySandboxExitOptions>) => classifySandboxExit({ ...base, ...o });

describe("classifySandboxExit", () => {
  it("is ok only for a clean exit with every prediction", () => {
    expect(classify({})).toEqual({ kind: "ok" });
    expect(classify({ filledCount: 9 })).toEqual({
      kind: "failed",
      reason: "invalid-output",
      message: "the sandbox returned predictions for 9 of 10 test images",
    });
    expect(classify({ done: false })).toMatchObject({ kind: "failed", reason: "invalid-output" });
  });

  it("puts the parent's own kill and protocol violations before the exit status", () => {
    const killed = { exit: { code: null, signal: "SIGKILL" as const }, filledCount: 3 };
    expect(classify({ ...killed, killedFor: "wall-clock" })).toEqual({
      kind: "failed",
      reason: "wall-clock",
      message: "the model did not finish within 30 s (3 of 10 images done); it was stopped",
    });
    expect(classify({ ...killed, violation: { reason: "invalid-output", message: "image 0 twice" } })).toEqual({
      kind: "failed",
      reason: "invalid-output",
      message: "image 0 twice",
    });
  });

  it("reads a signal from bubblewrap's 128+N exit code: SIGXCPU is the CPU limit", () => {
    const cpu = {
      kind: "failed",
      reason: "cpu",
      message: "the model used more than 20 s of CPU time (10 of 10 images done); it was stopped",
    };
    expect(classify({ exit: { code: 128 + 24, signal: null }, signalsAsExitCodes: true })).toEqual(cpu);
    expect(classify({ exit: { code: null, signal: "SIGXCPU" } })).toEqual(cpu);
    // Without the wrapper's convention, 152 is just an exit code.
    expect(classify({ exit: { code: 152, signal: null } })).toMatchObject({
      reason: "crashed",
      message: "the sandbox exited with code 152 while running the model",
    });
    // A SIGKILL nobody sent, after about the CPU limit: the hard limit.
    expect(classify({ exit: { code: 128 + 9, signal: null }, signalsAsExitCodes: true, totalSeconds: 10 })).toMatchObject({
      reason: "cpu",
    });
    expect(classify({ exit: { code: 128 + 9, signal: null }, signalsAsExitCodes: true, totalSeconds: 1 })).toMatchObject({
      reason: "crashed",
      message: "the sandbox was killed by SIGKILL while running the model",
    });
  });

  it("turns a set-up failure into a platform error, not the participant's failure", () => {
    expect(classify({ exit: { code: 1, signal: null }, setupFailure: "bwrap: Can't find source path /x" })).toEqual({
      kind: "platform-error",
      message: "the sandbox could not be set up: bwrap: Can't find source path /x",
    });
  });

  it("names memory from the child's report or the log, else a crash", () => {
    expect(classify({ exit: { code: 1, signal: null }, childError: { reason: "memory", message: "Failed to allocate memory" } })).toEqual({
      kind: "failed",
      reason: "memory",
      message: "the model ran out of memory (limit 768 MB): Failed to allocate memory",
    });
    expect(classify({ exit: { code: 1, signal: null }, childError: { reason: "model-error", message: "bad op" } })).toEqual({
      kind: "failed",
      reason: "model-error",
      message: "bad op",
    });
    expect(
      classify({ exit: { code: 134, signal: null }, logTail: "terminate called after throwing an instance of 'std::bad_alloc'" }),
    ).toMatchObject({ reason: "memory" });
    expect(classify({ exit: { code: 3, signal: null } })).toMatchObject({ reason: "crashed" });
  });
});
