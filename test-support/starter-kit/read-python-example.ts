import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";

/**
 * Test-only: reads Python source with Python's own parser (ast), without running it (PyTorch is
 * not installed here): the keyword arguments of every `torch.onnx.export(...)` call that are
 * literals, and the value of a top-level `MANIFEST = {...}`.
 */
export interface PythonExample {
  exportCalls: Record<string, unknown>[];
  manifest: unknown;
}

const SCRIPT = `
import ast, json, sys
tree = ast.parse(sys.stdin.read())
calls, manifest = [], None
for node in ast.walk(tree):
    if isinstance(node, ast.Call) and ast.unparse(node.func) == "torch.onnx.export":
        kwargs = {}
        for kw in node.keywords:
            if kw.arg is None:
                continue
            try:
                kwargs[kw.arg] = ast.literal_eval(kw.value)
            except ValueError:
                kwargs[kw.arg] = {"expression": ast.unparse(kw.value)}
        calls.append(kwargs)
    if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "MANIFEST" for t in node.targets):
        manifest = ast.literal_eval(node.value)
print(json.dumps({"exportCalls": calls, "manifest": manifest}))
`;

export function pythonAvailable(): boolean {
  try {
    execFileSync("python3", ["-c", "import ast; ast.unparse"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export async function readPythonExample(options: { source: string }): Promise<PythonExample> {
  const child = promisify(execFile)("python3", ["-c", SCRIPT]);
  child.child.stdin!.end(options.source);
  const { stdout } = await child;
  return JSON.parse(stdout) as PythonExample;
}
