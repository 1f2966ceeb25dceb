import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { TFJS_GRAPH_OPS, TFJS_LAYERS_CLASSES } from "./known-ops";

/** The static allow-lists must match the installed tfjs, so an upgrade cannot drift silently. */
describe("known ops", () => {
  it("TFJS_LAYERS_CLASSES equals the classes tfjs-layers registers", async () => {
    const tf = await import("@tensorflow/tfjs-core");
    await import("@tensorflow/tfjs-layers");
    const registered = Object.keys(tf.serialization.SerializationMap.getMap().classNameMap);
    expect([...TFJS_LAYERS_CLASSES].sort()).toEqual(registered.sort());
  });

  it("TFJS_GRAPH_OPS equals tfjs-converter's op list minus the TF-DF ops", () => {
    const req = createRequire(path.join(process.cwd(), "package.json"));
    const dir = path.join(path.dirname(req.resolve("@tensorflow/tfjs-converter/package.json")), "dist/operations/op_list");
    const ops = new Set<string>();
    for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".js"))) {
      for (const m of fs.readFileSync(path.join(dir, f), "utf8").matchAll(/'tfOpName': '([A-Za-z0-9_]+)'/g)) ops.add(m[1]);
    }
    const expected = [...ops].filter((op) => !op.startsWith("SimpleML")).sort();
    expect([...TFJS_GRAPH_OPS].sort()).toEqual(expected);
  });
});
