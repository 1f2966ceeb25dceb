import { describe, expect, it } from "vitest";
import { SandboxResultReader } from "./read-sandbox-results";

const line = (msg: unknown) => Buffer.from(JSON.stringify(msg) + "\n");

function reader(count = 4) {
  const violations: string[] = [];
  const r = new SandboxResultReader({ count, classCounts: [2, 5, 4], onViolation: (v) => violations.push(`${v.reason}: ${v.message}`) });
  return { r, violations };
}

describe("SandboxResultReader (the fd-3 protocol)", () => {
  it("collects batches split across chunks, in any order, and is complete when every image came once", () => {
    const { r, violations } = reader();
    const bytes = Buffer.concat([
      line({ t: "ready", backend: "onnxruntime", loadSeconds: 0.1, batchSize: 2 }),
      line({ t: "preds", start: 2, n: 2, idx: [1, 4, 3, 0, 0, 0] }),
      line({ t: "preds", start: 0, n: 2, idx: [0, 1, 2, 1, 2, 3] }),
      line({ t: "done", seconds: 0.5 }),
    ]);
    // Byte by byte: lines may arrive in any pieces.
    for (let i = 0; i < bytes.length; i++) r.push(bytes.subarray(i, i + 1));
    expect(violations).toEqual([]);
    expect(r.complete()).toBe(true);
    expect(r.ready?.backend).toBe("onnxruntime");
    expect([...r.indices]).toEqual([0, 1, 2, 1, 2, 3, 1, 4, 3, 0, 0, 0]);
  });

  it("is not complete while an image is missing or before done", () => {
    const { r } = reader();
    r.push(line({ t: "preds", start: 0, n: 3, idx: [0, 0, 0, 0, 0, 0, 0, 0, 0] }));
    r.push(line({ t: "done", seconds: 1 }));
    expect(r.filledCount).toBe(3);
    expect(r.complete()).toBe(false);
  });

  it.each([
    [
      "an image twice",
      [
        { t: "preds", start: 0, n: 1, idx: [0, 0, 0] },
        { t: "preds", start: 0, n: 1, idx: [1, 1, 1] },
      ],
      /invalid-output: the sandbox returned image 0 twice/,
    ],
    [
      "a class index out of range",
      [{ t: "preds", start: 1, n: 1, idx: [0, 5, 0] }],
      /invalid-output: the sandbox returned class index 5 for Hair_Color of image 1; valid indices are 0\.\.4/,
    ],
    ["a fractional index", [{ t: "preds", start: 0, n: 1, idx: [0.5, 0, 0] }], /class index 0\.5 for Gender/],
    [
      "a batch past the end",
      [{ t: "preds", start: 3, n: 2, idx: [0, 0, 0, 0, 0, 0] }],
      /malformed batch \(start 3, 2 images\) for 4 test images/,
    ],
    ["a batch with too few indices", [{ t: "preds", start: 0, n: 2, idx: [0, 0, 0] }], /malformed batch/],
    ["an unknown message", [{ t: "exfiltrate", data: "x" }], /crashed: the sandbox sent an unknown message/],
    ["a JSON value that is not a message", [42], /crashed: the sandbox sent a malformed result line/],
  ])("refuses %s, once, and ignores what follows", (_name, messages, pattern) => {
    const { r, violations } = reader();
    for (const m of messages) r.push(line(m));
    r.push(line({ t: "preds", start: 0, n: 4, idx: new Array(12).fill(0) }));
    r.push(line({ t: "done", seconds: 1 }));
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatch(pattern);
    expect(r.complete()).toBe(false);
  });

  it("refuses a line that is not JSON", () => {
    const { r, violations } = reader();
    r.push(Buffer.from("{not json\n"));
    expect(violations).toEqual(["crashed: the sandbox sent a malformed result line"]);
  });

  it("caps an over-long line and the channel as a whole", () => {
    const long = reader(1);
    long.r.push(Buffer.alloc(1024 * 1024 + 1, 0x61));
    expect(long.violations).toEqual(["crashed: the sandbox sent an over-long result line"]);

    const flood = reader(1);
    const probe = line({ t: "probe", probe: { op: "read", path: "/x" }, outcome: "x".repeat(1000) });
    for (let i = 0; i < 1100 && flood.violations.length === 0; i++) flood.r.push(probe);
    expect(flood.violations).toEqual(["crashed: the sandbox sent more result data than the predictions can need"]);
  });

  it("keeps the child's error, truncated, and calls onReady once", () => {
    let readyCalls = 0;
    const r = new SandboxResultReader({ count: 1, classCounts: [2, 5, 4], onReady: () => readyCalls++ });
    r.push(line({ t: "ready", backend: "tfjs-wasm", loadSeconds: 0, batchSize: 1 }));
    r.push(line({ t: "ready", backend: "forged", loadSeconds: 0, batchSize: 1 }));
    r.push(line({ t: "error", reason: "model-error", message: "m".repeat(10_000) }));
    expect(readyCalls).toBe(1);
    expect(r.ready?.backend).toBe("tfjs-wasm");
    expect(r.childError?.message).toHaveLength(4000);
  });
});
