import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractModelBundle } from "./extract-model-bundle";
import { BARE_ONNX_NEEDS_MANIFEST, inspectModelBundle } from "./inspect-model-bundle";
import type { ModelBundleLimits } from "./limits";
import { craftZip, type CraftEntry } from "../../test-support/models/craft-zip";
import {
  buildOnnxModel,
  makeManifest,
  onnxOutputs,
  PERMUTED_CLASSES,
  writeGraphBundle,
  writeLayersBundle,
  writeOnnxBundle,
  zipFolder,
  type OnnxFault,
} from "../../test-support/models/model-fixtures";

/**
 * The upload fault corpus: every hostile or broken bundle is refused before extraction or
 * execution, with a message that names the entry, file or JSON path and what was expected.
 */

let root: string;
let n = 0;
const tmp = (name: string) => path.join(root, `${n++}-${name}`);
const MAX = 50 * 1024 * 1024;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "tp-inspect-"));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function upload(buf: Buffer, name = "upload.zip"): string {
  const file = tmp(name);
  fs.writeFileSync(file, buf);
  return file;
}

async function inspectZip(entries: CraftEntry[], limits?: Partial<ModelBundleLimits>) {
  return inspectModelBundle({ file: upload(craftZip(entries)), maxBytes: MAX, limits });
}

async function errorsOf(p: ReturnType<typeof inspectModelBundle>): Promise<string> {
  const r = await p;
  if (r.ok) throw new Error("expected the bundle to be refused");
  return r.errors.join("\n");
}

// A valid ONNX bundle's files, to mutate one thing at a time.
const onnxManifest = () => {
  const m = makeManifest("onnx");
  return { ...m, outputs: onnxOutputs(m, "sliced") };
};
const onnxFiles = (fault?: OnnxFault, manifest = onnxManifest()): CraftEntry[] => [
  { name: "manifest.json", data: JSON.stringify(manifest) },
  { name: "model.onnx", data: buildOnnxModel({ manifest, heads: "sliced", fault }) },
];

describe("inspectModelBundle: valid bundles", () => {
  it("accepts an ONNX zip, a tfjs-layers zip, a tfjs-graph zip and a zipped folder", async () => {
    const onnxDir = tmp("onnx");
    writeOnnxBundle(onnxDir, { manifest: makeManifest("onnx"), heads: "separate" });
    const layersDir = tmp("layers");
    await writeLayersBundle(layersDir, makeManifest("tfjs-layers", { classes: PERMUTED_CLASSES }));
    const graphDir = tmp("graph");
    writeGraphBundle(graphDir, makeManifest("tfjs-graph"));
    for (const [dir, format] of [
      [onnxDir, "onnx"],
      [layersDir, "tfjs-layers"],
      [graphDir, "tfjs-graph"],
    ] as const) {
      const r = await inspectModelBundle({ file: upload(zipFolder(dir)), maxBytes: MAX });
      expect(r, dir).toMatchObject({ ok: true, bundle: { format } });
    }
    const nested = craftZip(
      fs.readdirSync(graphDir).map((f) => ({ name: `my-model/${f}`, data: fs.readFileSync(path.join(graphDir, f)) })),
    );
    const r = await inspectModelBundle({ file: upload(nested), maxBytes: MAX });
    expect(r.ok && r.bundle.entries.map((e) => e.name).sort()).toEqual(["group1-shard1of1.bin", "manifest.json", "model.json"]);
  });

  it("accepts a bare .onnx with a separate manifest, and says how to add one when missing", async () => {
    const manifest = onnxManifest();
    const file = upload(buildOnnxModel({ manifest, heads: "sliced" }), "model.onnx");
    expect(await errorsOf(inspectModelBundle({ file, maxBytes: MAX }))).toBe(BARE_ONNX_NEEDS_MANIFEST);
    const r = await inspectModelBundle({ file, maxBytes: MAX, manifestJson: JSON.stringify(manifest) });
    expect(r).toMatchObject({ ok: true, bundle: { format: "onnx", entries: [{ name: "model.onnx" }] } });
    const dest = tmp("bare-extract");
    const x = await extractModelBundle({ file, maxBytes: MAX, manifestJson: JSON.stringify(manifest), destDir: dest });
    expect(x.ok).toBe(true);
    expect(fs.readdirSync(dest).sort()).toEqual(["manifest.json", "model.onnx"]);
  });

  it("extracts a zip into an empty folder, files only, nothing outside", async () => {
    const dest = tmp("extract");
    const r = await extractModelBundle({
      file: upload(craftZip([...onnxFiles(), { name: "notes/", data: "" }, { name: "notes/readme.txt", data: "hi" }])),
      maxBytes: MAX,
      destDir: dest,
    });
    expect(r.ok).toBe(true);
    expect(fs.readdirSync(dest).sort()).toEqual(["manifest.json", "model.onnx", "notes"]);
    expect(fs.readFileSync(path.join(dest, "notes/readme.txt"), "utf8")).toBe("hi");
  });
});

describe("inspectModelBundle: hostile zips", () => {
  it("refuses a zip bomb by its compression ratio", async () => {
    const errors = await errorsOf(inspectZip([...onnxFiles(), { name: "padding.bin", data: Buffer.alloc(20 * 1024 * 1024) }]));
    expect(errors).toMatch(/entry "padding\.bin" compresses \d+:1 \(.* -> 20\.0 MB\); more than 100:1 looks like a zip bomb/);
  });

  it("refuses a zip whose declared sizes exceed the total limit", async () => {
    const errors = await errorsOf(
      inspectZip([...onnxFiles(), { name: "big.bin", data: Buffer.alloc(2 * 1024 * 1024, 7), compress: false }], {
        maxTotalBytes: 1024 * 1024,
        maxEntryBytes: 10 * 1024 * 1024,
      }),
    );
    expect(errors).toMatch(/the zip's files add up to 2\.0 MB uncompressed; at most 1\.0 MB are allowed/);
  });

  it("catches declared sizes that lie: while reading the manifest and while extracting", async () => {
    const manifest = JSON.stringify(onnxManifest()) + " ".repeat(100_000);
    const lyingManifest = await errorsOf(inspectZip([{ name: "manifest.json", data: manifest, declaredSize: 200 }, onnxFiles()[1]]));
    expect(lyingManifest).toMatch(/^"manifest\.json" inflates to more bytes than its declared size/);

    const dest = tmp("lying-extract");
    const file = upload(craftZip([...onnxFiles(), { name: "extra.bin", data: Buffer.alloc(5 * 1024 * 1024, 1), declaredSize: 1000 }]));
    const r = await extractModelBundle({ file, maxBytes: MAX, destDir: dest });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.join("\n")).toMatch(/"extra\.bin" inflates to more bytes than its declared size/);
    expect(fs.existsSync(dest)).toBe(false);
  });

  it.each([
    ["../evil.txt", /entry "\.\.\/evil\.txt": path traversal: "\.\." is not allowed/],
    ["models/../../evil.txt", /entry "models\/\.\.\/\.\.\/evil\.txt": path traversal/],
    ["/etc/cron.d/evil", /entry "\/etc\/cron\.d\/evil": absolute path/],
    ["C:/Windows/evil.dll", /entry "C:\/Windows\/evil\.dll": name starts with a drive letter/],
    ["..\\evil.txt", /entry "\.\.\\\\evil\.txt": name contains a backslash/],
    ["a\u0000b", /entry "a\\u0000b": name contains control characters/],
  ])("refuses the entry name %j", async (name, message) => {
    expect(await errorsOf(inspectZip([...onnxFiles(), { name, data: "x" }]))).toMatch(message);
  });

  it("refuses symlink entries, naming them", async () => {
    const errors = await errorsOf(
      inspectZip([...onnxFiles(), { name: "labels.csv", data: "../../hidden/test-labels.csv", mode: 0o120777 }]),
    );
    expect(errors).toMatch(/entry "labels\.csv" is a symbolic link; links are not allowed/);
  });

  it("refuses duplicate names (also differing only in case) and files under files", async () => {
    const errors = await errorsOf(inspectZip([...onnxFiles(), { name: "Model.onnx", data: "x" }, { name: "manifest.json/x", data: "y" }]));
    expect(errors).toMatch(/entry "Model\.onnx" appears more than once \(as "model\.onnx"\)/);
    expect(errors).toMatch(/entry "manifest\.json\/x" is inside "manifest\.json", which is a file/);
  });

  it("refuses too many entries before reading them", async () => {
    const many = Array.from({ length: 300 }, (_, i) => ({ name: `f${i}.txt`, data: "x" }));
    expect(await errorsOf(inspectZip([...onnxFiles(), ...many]))).toMatch(/the zip has 302 entries; at most 256 are allowed/);
  });

  it("refuses uploads over the size limit and files that are not zips or ONNX", async () => {
    const file = upload(Buffer.alloc(2048, 1));
    expect(await errorsOf(inspectModelBundle({ file, maxBytes: 1024 }))).toMatch(/the upload is 2\.0 KB; at most 1\.0 KB are accepted/);
    const manifestJson = JSON.stringify(onnxManifest());
    expect(await errorsOf(inspectModelBundle({ file: upload(Buffer.from("hello, not a model")), maxBytes: MAX, manifestJson }))).toMatch(
      /model\.onnx: not a valid ONNX model/,
    );
  });
});

describe("inspectModelBundle: manifest problems", () => {
  const withManifest = (text: string) => inspectZip([{ name: "manifest.json", data: text }, onnxFiles()[1]]);

  it("refuses a missing manifest, listing what is there", async () => {
    expect(await errorsOf(inspectZip([onnxFiles()[1]]))).toMatch(
      /manifest\.json is missing at the top of the zip \(it contains "model\.onnx"\)/,
    );
  });

  it("refuses bad JSON", async () => {
    expect(await errorsOf(withManifest("{ format: onnx"))).toMatch(/^manifest\.json: not valid JSON \(/);
  });

  it("refuses wrong types with the JSON path and what was expected", async () => {
    const m = { ...onnxManifest(), input: { layout: "NCWH", scale: "1/255", mean: [0, 0], std: [1, 1, 0] }, batchSize: 0 };
    const errors = await errorsOf(withManifest(JSON.stringify(m)));
    expect(errors).toMatch(/manifest\.json: input\.layout: expected "NHWC" \(tfjs, Keras\) or "NCHW" \(PyTorch\)/);
    expect(errors).toMatch(/manifest\.json: input\.scale: Invalid input: expected number, received string/);
    expect(errors).toMatch(/manifest\.json: input\.mean: expected an array of 3 numbers/);
    expect(errors).toMatch(/manifest\.json: input\.std\[2\]: expected a positive number/);
    expect(errors).toMatch(/manifest\.json: batchSize: Too small/);
  });

  it("refuses a class order that is not a permutation of the classes", async () => {
    const m = onnxManifest();
    m.outputs.Hair_Color = { ...m.outputs.Hair_Color, classes: ["black", "blond", "brown", "grey", "bald"] };
    expect(await errorsOf(withManifest(JSON.stringify(m)))).toMatch(
      /manifest\.json: outputs\.Hair_Color\.classes: expected a permutation of \[black, blond, brown, gray, bald\]: missing "gray"; unexpected "grey"/,
    );
  });

  it("refuses outputs and inputs the model does not have", async () => {
    const m = onnxManifest();
    m.outputs.Gender = { output: "sex", classes: ["female", "male"] };
    m.outputs.Hair_Type = { output: 3, classes: ["straight", "wavy", "bald"] };
    m.input = { ...m.input, name: "image" };
    const errors = await errorsOf(inspectZip([{ name: "manifest.json", data: JSON.stringify(m) }, onnxFiles()[1]]));
    expect(errors).toMatch(/manifest\.json: outputs\.Gender\.output: the model has no output "sex"; its outputs are "logits"/);
    expect(errors).toMatch(/manifest\.json: outputs\.Hair_Type\.output: index 3 is out of range; the model has 1 output\(s\): "logits"/);
    expect(errors).toMatch(/model\.onnx: has no input "image" \(manifest input\.name\); its inputs are "pixels"/);
  });

  it("refuses an input layout that does not match the model's declared input", async () => {
    const m = onnxManifest();
    const model = buildOnnxModel({ manifest: m, heads: "sliced" }); // NCHW model
    const errors = await errorsOf(
      inspectZip([
        { name: "manifest.json", data: JSON.stringify({ ...m, input: { ...m.input, layout: "NHWC" } }) },
        { name: "model.onnx", data: model },
      ]),
    );
    expect(errors).toMatch(/model\.onnx: input "pixels" has shape \[N, 3, 108, 84\]; expected \[batch, 108, 84, 3\] \(NHWC\)/);
  });
});

describe("inspectModelBundle: model problems", () => {
  it.each<[OnnxFault, RegExp]>([
    ["custom-domain", /model\.onnx: uses custom operator\(s\) StealLabels from domain "com\.example\.evil"; custom ops are not supported/],
    ["unknown-op", /model\.onnx: uses operator\(s\) FrobnicateImage that are not standard ai\.onnx operators/],
    ["external-data", /model\.onnx: tensor\(s\) "leak" use external data files; save the model with all weights inside the \.onnx file/],
    [
      "huge-initializer",
      /model\.onnx: tensor "huge" declares shape \[1000000000, 2\] \(7\.45 GB\), over the per-tensor limit of 256\.0 MB/,
    ],
  ])("ONNX %s", async (fault, message) => {
    expect(await errorsOf(inspectZip(onnxFiles(fault)))).toMatch(message);
  });

  it("refuses truncated ONNX protobuf", async () => {
    const [manifest, model] = onnxFiles();
    const errors = await errorsOf(inspectZip([manifest, { name: "model.onnx", data: (model.data as Buffer).subarray(0, 200) }]));
    expect(errors).toMatch(/model\.onnx: not a valid ONNX model \(.*(past its message|truncated).* at byte \d+\)/);
  });

  describe("tfjs", () => {
    let layersDir: string;
    let graphDir: string;
    beforeAll(async () => {
      layersDir = tmp("layers-src");
      await writeLayersBundle(layersDir, makeManifest("tfjs-layers"));
      graphDir = tmp("graph-src");
      writeGraphBundle(graphDir, makeManifest("tfjs-graph"));
    });
    const files = (dir: string, edit: (name: string, data: Buffer) => Buffer | null = (_n, d) => d): CraftEntry[] =>
      fs.readdirSync(dir).flatMap((name) => {
        const data = edit(name, fs.readFileSync(path.join(dir, name)));
        return data ? [{ name, data }] : [];
      });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the cases edit model.json in arbitrary (hostile) ways
    const editModelJson = (fn: (j: Record<string, any>) => void) => (name: string, data: Buffer) => {
      if (name !== "model.json") return data;
      const j = JSON.parse(data.toString());
      fn(j);
      return Buffer.from(JSON.stringify(j));
    };

    it("refuses a missing weights file", async () => {
      const errors = await errorsOf(inspectZip(files(layersDir, (name, d) => (name === "weights.bin" ? null : d))));
      expect(errors).toMatch(/model\.json: weightsManifest\[0\]\.paths\[0\]: weights file "weights\.bin" is missing from the bundle/);
    });

    it("refuses weights whose size does not match dtype x shape", async () => {
      const errors = await errorsOf(inspectZip(files(layersDir, (name, d) => (name === "weights.bin" ? d.subarray(0, d.length - 4) : d))));
      expect(errors).toMatch(
        /model\.json: weightsManifest\[0\]: the weights listed need 160 bytes \(dtype x shape\) but the file\(s\) weights\.bin hold 156 bytes/,
      );
    });

    it("refuses a 2 GB declared tensor before allocating anything", async () => {
      const errors = await errorsOf(
        inspectZip(
          files(
            layersDir,
            editModelJson((j) => {
              j.weightsManifest[0].weights[0].shape = [512, 1024, 1024];
            }),
          ),
        ),
      );
      expect(errors).toMatch(
        /model\.json: weightsManifest\[0\]\.weights\[0\] \("gender\/kernel"\): declared shape \[512, 1024, 1024\] float32 is 2\.00 GB, over the per-tensor limit of 256\.0 MB/,
      );
    });

    it("refuses weight paths that leave the bundle", async () => {
      const errors = await errorsOf(
        inspectZip(
          files(
            layersDir,
            editModelJson((j) => {
              j.weightsManifest[0].paths = ["../../hidden/test-labels.csv"];
            }),
          ),
        ),
      );
      expect(errors).toMatch(
        /weightsManifest\[0\]\.paths\[0\]: "\.\.\/\.\.\/hidden\/test-labels\.csv" is not a plain relative file path inside the bundle/,
      );
    });

    it("refuses custom layers, naming them", async () => {
      const errors = await errorsOf(
        inspectZip(
          files(
            layersDir,
            editModelJson((j) => {
              j.modelTopology.config.layers[1].class_name = "MyFancyPooling";
              j.modelTopology.config.layers[2].config.kernel_initializer = { class_name: "MyInit", config: {} };
            }),
          ),
        ),
      );
      expect(errors).toMatch(
        /model\.json: uses class\(es\) that are not built into tfjs-layers: MyFancyPooling, MyInit; custom layers are not supported/,
      );
    });

    it("refuses graph ops tfjs does not implement", async () => {
      const errors = await errorsOf(
        inspectZip(
          files(
            graphDir,
            editModelJson((j) => {
              j.modelTopology.node[5].op = "MyCustomMatMul";
            }),
          ),
        ),
      );
      expect(errors).toMatch(
        /model\.json: uses op\(s\) that tfjs-converter does not implement: MyCustomMatMul; custom ops are not supported/,
      );
    });

    it("refuses a format that does not match the model", async () => {
      const errors = await errorsOf(
        inspectZip(
          files(graphDir, (name, d) =>
            name === "manifest.json" ? Buffer.from(JSON.stringify({ ...JSON.parse(d.toString()), format: "tfjs-layers" })) : d,
          ),
        ),
      );
      expect(errors).toMatch(/model\.json: this is a tfjs graph model but manifest\.json says "format": "tfjs-layers"; use "tfjs-graph"/);
    });
  });
});

describe("inspectModelBundle: model names and batch sizes the sandbox cannot use", () => {
  const bare = (model: string) => {
    const manifest = { ...onnxManifest(), model };
    return inspectModelBundle({
      file: upload(buildOnnxModel({ manifest, heads: "sliced" }), "model.onnx"),
      maxBytes: MAX,
      manifestJson: JSON.stringify(manifest),
    });
  };

  it.each(["manifest.json", "MANIFEST.JSON", "sub/model.onnx", "../model.onnx", "..\\model.onnx", "model.json", ".onnx\u0000"])(
    "a bare .onnx whose manifest names it %j is refused at inspection, not at extraction",
    async (model) => {
      expect(await errorsOf(bare(model))).toBe(
        `manifest.json: model: ${JSON.stringify(model)} cannot name a single uploaded .onnx file; use a plain file name ending in ".onnx", like "model.onnx"`,
      );
    },
  );

  it("a zip whose manifest names itself as the model", async () => {
    const manifest = { ...onnxManifest(), model: "manifest.json" };
    expect(await errorsOf(inspectZip([{ name: "manifest.json", data: JSON.stringify(manifest) }, onnxFiles()[1]]))).toMatch(
      /^manifest\.json: model: "manifest\.json" is the manifest itself; name the model file/,
    );
  });

  it("a bare .onnx with a plain name is still extracted beside the manifest", async () => {
    expect(await bare("my-model.onnx")).toMatchObject({ ok: true });
  });

  it("a fixed batch of 1,000,000 is refused at upload; dynamic, 1 and 512 are accepted", async () => {
    const withBatch = (fixedBatch?: number) => {
      const manifest = onnxManifest();
      return inspectZip([
        { name: "manifest.json", data: JSON.stringify(manifest) },
        { name: "model.onnx", data: buildOnnxModel({ manifest, heads: "sliced", fixedBatch }) },
      ]);
    };
    expect(await errorsOf(withBatch(1_000_000))).toMatch(
      /^model\.onnx: input "pixels" has a fixed batch dimension of 1000000; export it with a dynamic batch axis .* or a fixed batch of at most 512$/,
    );
    for (const ok of [undefined, 1, 512]) expect((await withBatch(ok)).ok, `batch ${ok}`).toBe(true);
  });
});

describe("inspectModelBundle: oversized manifests", () => {
  it("refuses a 5 MB manifest.json in a zip, and a 5 MB manifest sent with a bare .onnx, before parsing them", async () => {
    const big = JSON.stringify({ ...onnxManifest(), padding: "x".repeat(5_000_000) });
    expect(await errorsOf(inspectZip([{ name: "manifest.json", data: big, compress: false }, onnxFiles()[1]]))).toMatch(
      /"manifest\.json" is .*; at most 64\.0 KB can be read/,
    );
    const bare = inspectModelBundle({ file: upload(onnxFiles()[1].data as Buffer, "model.onnx"), maxBytes: MAX, manifestJson: big });
    expect(await errorsOf(bare)).toMatch(/^manifest\.json: 5,000,\d+ characters; a manifest is about 1 KB and may be at most 64 KB$/);
  });
});
