import { describe, expect, it } from "vitest";
import { sanitiseHostPaths } from "./sanitise-host-paths";

describe("sanitiseHostPaths", () => {
  const known = [
    { path: "/tmp/tp-model-Ab12Cd/bundle", as: "" },
    { path: "/data/builds/b1/cache/test.u8", as: "test.u8" },
  ];

  it("names bundle files relative to the bundle and hides every other host path", () => {
    expect(sanitiseHostPaths("ENOENT: no such file or directory, open '/tmp/tp-model-Ab12Cd/bundle/weights/model.onnx'", known)).toBe(
      "ENOENT: no such file or directory, open 'weights/model.onnx'",
    );
    expect(sanitiseHostPaths("test.u8 is shorter: /data/builds/b1/cache/test.u8", known)).toBe("test.u8 is shorter: test.u8");
    expect(
      sanitiseHostPaths(
        "[ONNXRuntimeError] : 1 : FAIL : External data path /proc/31662/environ is outside the model folder /tmp/tp-model-XyZ/bundle",
        known,
      ),
    ).toBe("[ONNXRuntimeError] : 1 : FAIL : External data path <path> is outside the model folder <path>");
    expect(sanitiseHostPaths("EEXIST: file already exists, open '/tmp/tp-model-Q1/bundle/manifest.json'")).toBe(
      "EEXIST: file already exists, open '<path>'",
    );
    expect(sanitiseHostPaths("at Object.<anonymous> (/work/main/node_modules/onnxruntime-node/dist/backend.js:24:21)")).toBe(
      "at Object.<anonymous> (<path>:24:21)",
    );
  });

  it("leaves ordinary text, relative paths, shapes and URLs alone", () => {
    const text = 'outputs.Gender (output "gender"): shape [64, 4] for 1/2 of the images; see https://onnx.ai/onnx/operators and a/b/c.onnx';
    expect(sanitiseHostPaths(text, known)).toBe(text);
  });
});
