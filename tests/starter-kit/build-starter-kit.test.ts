import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { GET } from "@/app/api/starter-kit/route";
import { buildStarterKit, STARTER_KIT_FILE_NAME } from "../../lib/starter-kit/build-starter-kit";
import { collectStarterKitFiles, StarterKitError } from "../../lib/starter-kit/collect-starter-kit-files";

// The collector's refusals on a made-up project (a kit that would only break after a
// participant's `npm install`), and the public route.

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) fs.rmSync(r, { recursive: true, force: true });
});

function fakeProject(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "tp-kit-collect-"));
  roots.push(root);
  const all: Record<string, string> = {
    "starter-kit/package.json": JSON.stringify({ dependencies: { "@tensorflow/tfjs": "4.22.0" } }),
    "starter-kit/src/platform.ts": 'export { helper } from "../../lib/ml/helper";\n',
    ...files,
  };
  for (const [name, text] of Object.entries(all)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  return root;
}

describe("collectStarterKitFiles", () => {
  it("copies the closure of the shim's lib imports and points the shim at the copies", () => {
    const root = fakeProject({
      "lib/ml/helper.ts":
        'import * as tf from "@tensorflow/tfjs";\nimport { two } from "../util/two";\nexport const helper = () => two + tf.version_core.length;\n',
      "lib/util/two.ts": "export const two = 2;\n",
      "lib/util/unused.ts": "export const unused = 1;\n",
      "starter-kit/node_modules/x/index.js": "local install, not part of the kit",
      "starter-kit/out/model.zip": "a local output, not part of the kit",
    });
    const { files, platformFiles } = collectStarterKitFiles({ projectRoot: root });
    expect(platformFiles).toEqual(["ml/helper.ts", "util/two.ts"]);
    expect([...files.keys()]).toEqual(["package.json", "src/platform.ts", "src/platform/ml/helper.ts", "src/platform/util/two.ts"]);
    expect(files.get("src/platform.ts")!.toString()).toBe('export { helper } from "./platform/ml/helper";\n');
  });

  it("refuses a copied file that uses the @/ alias", () => {
    const root = fakeProject({ "lib/ml/helper.ts": 'import { x } from "@/lib/other";\nexport const helper = x;\n' });
    expect(() => collectStarterKitFiles({ projectRoot: root })).toThrow(StarterKitError);
    expect(() => collectStarterKitFiles({ projectRoot: root })).toThrow('lib/ml/helper.ts imports "@/lib/other"');
  });

  it("refuses a package the kit does not depend on, in kit sources and in copies", () => {
    const copy = fakeProject({ "lib/ml/helper.ts": 'import { z } from "zod";\nexport const helper = z;\n' });
    expect(() => collectStarterKitFiles({ projectRoot: copy })).toThrow(
      'lib/ml/helper.ts imports "zod", which is not a dependency in starter-kit/package.json',
    );
    const kit = fakeProject({
      "lib/ml/helper.ts": "export const helper = 1;\n",
      "starter-kit/src/train.ts": 'import sharp from "sharp";\n',
    });
    expect(() => collectStarterKitFiles({ projectRoot: kit })).toThrow('starter-kit/src/train.ts imports "sharp"');
  });

  it("refuses an import that climbs out of lib/", () => {
    const root = fakeProject({
      "lib/ml/helper.ts": 'export { secret } from "../../scorer/secret";\n',
      "scorer/secret.ts": "export const secret = 1;\n",
    });
    expect(() => collectStarterKitFiles({ projectRoot: root })).toThrow("is outside lib/");
  });
});

describe("GET /api/starter-kit", () => {
  it("serves the kit as an attachment with its SHA-256 as ETag, and 304 when unchanged", async () => {
    const kit = await buildStarterKit();
    const res = await GET(new Request("http://localhost/api/starter-kit"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/zip");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${STARTER_KIT_FILE_NAME}"`);
    expect(res.headers.get("etag")).toBe(`"${kit.sha256}"`);
    expect(Buffer.from(await res.arrayBuffer()).equals(kit.bytes)).toBe(true);
    const again = await GET(new Request("http://localhost/api/starter-kit", { headers: { "if-none-match": `"${kit.sha256}"` } }));
    expect(again.status).toBe(304);
  });
});
