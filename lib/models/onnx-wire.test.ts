import { onnx } from "onnx-proto";
import { describe, expect, it } from "vitest";
import { buildOnnxModel, makeManifest, onnxOutputs, type OnnxFault } from "../../test-support/models/model-fixtures";
import { checkOnnxModel } from "./check-onnx-model";
import { DEFAULT_MODEL_BUNDLE_LIMITS } from "./limits";
import { OnnxParseError, parseOnnxModel, type OnnxGraphInfo, type OnnxModelInfo } from "./onnx-wire";

/*
 * The strict ONNX reader against protobufjs (onnx-proto), a general decoder: on valid models both
 * must see the same structure; on crafted bytes where a lax reader and onnxruntime's protobuf
 * would disagree, ours must refuse. protobufjs reads tags as uint32 like protobuf C++ (which
 * onnxruntime uses), so it shows what onnxruntime would have read.
 */

const LIMITS = { maxNodes: DEFAULT_MODEL_BUNDLE_LIMITS.maxNodes, maxDepth: DEFAULT_MODEL_BUNDLE_LIMITS.maxDepth };
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const GRAPH = onnx.AttributeProto.AttributeType.GRAPH;
const TENSOR = onnx.AttributeProto.AttributeType.TENSOR;

const manifest = () => {
  const m = makeManifest("onnx");
  return { ...m, outputs: onnxOutputs(m, "sliced") };
};

function encode(model: onnx.IModelProto): Buffer {
  return Buffer.from(onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish());
}

/** A model whose main graph is `graph` (plus whatever `extra` adds). */
function model(graph: onnx.IGraphProto, extra: Partial<onnx.IModelProto> = {}): Buffer {
  return encode({ irVersion: 8, opsetImport: [{ domain: "", version: 13 }], graph: { name: "g", ...graph }, ...extra });
}

/** An If node on input "c" with these branches (subgraphs are where nested ops hide). */
function ifNode(thenBranch: onnx.IGraphProto, elseBranch?: onnx.IGraphProto): onnx.INodeProto {
  const branches = { then_branch: thenBranch, else_branch: elseBranch };
  return {
    opType: "If",
    input: ["c"],
    output: ["y"],
    attribute: Object.entries(branches).flatMap(([name, g]) => (g ? [{ name, type: GRAPH, g }] : [])),
  };
}

function check(bytes: Uint8Array) {
  return checkOnnxModel({ bytes, manifest: null, limits: { ...DEFAULT_MODEL_BUNDLE_LIMITS } });
}

function errorsOf(bytes: Uint8Array): string {
  const r = check(bytes);
  if (r.ok) throw new Error("expected the model to be refused");
  return r.errors.join("\n");
}

// ---- protobuf wire helpers, for bytes no encoder would write

function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}
const tagOf = (field: number, wire: number) => varint((field << 3) | wire);
const lenField = (tag: number[], payload: Uint8Array) => Buffer.concat([Buffer.from([...tag, ...varint(payload.length)]), payload]);

/** What a general decoder sees: ops (domain/op_type) of every node, subgraphs and functions included. */
function protobufjsOps(m: onnx.ModelProto): string[] {
  const ops: string[] = [];
  const graph = (g: onnx.IGraphProto | null | undefined) => {
    for (const n of g?.node ?? []) {
      ops.push(`${n.domain ?? ""}/${n.opType}`);
      for (const a of n.attribute ?? []) {
        graph(a.g);
        for (const sub of a.graphs ?? []) graph(sub);
      }
    }
  };
  graph(m.graph);
  for (const f of m.functions ?? []) for (const n of f.node ?? []) ops.push(`${n.domain ?? ""}/${n.opType}`);
  return ops;
}

function ourOps(m: OnnxModelInfo): string[] {
  const ops: string[] = [];
  const graph = (g: OnnxGraphInfo) => {
    for (const n of g.nodes) {
      ops.push(`${n.domain}/${n.opType}`);
      for (const s of n.subgraphs) graph(s);
    }
  };
  if (m.graph) graph(m.graph);
  for (const f of m.functions) for (const n of f.nodes) ops.push(`${n.domain}/${n.opType}`);
  return ops;
}

describe("parseOnnxModel agrees with protobufjs on valid models", () => {
  const cases: [string, Buffer][] = [
    ...(["sliced", "separate"] as const).map((heads): [string, Buffer] => [
      `fixture, ${heads} heads`,
      buildOnnxModel({ manifest: manifest(), heads }),
    ]),
    ...(["loop-forever", "memory"] as OnnxFault[]).map((fault): [string, Buffer] => [
      `fixture with ${fault} (Loop subgraph, Tile)`,
      buildOnnxModel({ manifest: manifest(), heads: "sliced", fault }),
    ]),
    [
      "If with two branches and a Constant tensor attribute",
      model({
        node: [
          ifNode(
            {
              name: "t",
              node: [
                {
                  opType: "Constant",
                  output: ["y1"],
                  attribute: [
                    { name: "value", type: TENSOR, t: { name: "k", dims: [2, 3], dataType: FLOAT, floatData: [1, 2, 3, 4, 5, 6] } },
                  ],
                },
              ],
            },
            { name: "e", node: [{ opType: "Identity", input: ["x"], output: ["y2"] }] },
          ),
        ],
        input: [{ name: "c" }, { name: "x" }],
        output: [{ name: "y" }],
        initializer: [{ name: "w", dims: [4, 5], dataType: FLOAT, rawData: new Uint8Array(80) }],
      }),
    ],
  ];

  it.each(cases)("%s", (_name, bytes) => {
    const ours = parseOnnxModel(bytes, LIMITS);
    const theirs = onnx.ModelProto.decode(bytes);
    expect(ours.irVersion).toBe(Number(theirs.irVersion));
    expect(ours.opsetImports).toEqual(theirs.opsetImport.map((o) => ({ domain: o.domain ?? "", version: Number(o.version) })));
    expect(ourOps(ours)).toEqual(protobufjsOps(theirs));
    expect(ours.nodeCount).toBe(protobufjsOps(theirs).length);
    expect(ours.graph!.inputs.map((i) => i.name)).toEqual(theirs.graph!.input!.map((i) => i.name));
    expect(ours.graph!.outputs.map((o) => [o.name, o.dims])).toEqual(
      theirs.graph!.output!.map((o) => [
        o.name,
        o.type?.tensorType?.shape
          ? o.type.tensorType.shape.dim!.map((d) => (d.dimParam ? d.dimParam : d.dimValue != null ? Number(d.dimValue) : null))
          : null,
      ]),
    );
    expect(ours.graph!.initializers.map((t) => [t.name, t.dims, t.dataType, t.external])).toEqual(
      theirs.graph!.initializer!.map((t) => [
        t.name,
        (t.dims ?? []).map(Number),
        t.dataType,
        t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || (t.externalData ?? []).length > 0,
      ]),
    );
    expect(check(bytes).ok).toBe(true);
  });
});

describe("parseOnnxModel refuses what a lax reader would skip", () => {
  /** An initializer TensorProto whose external_data (field 13) has a 5-byte tag with bit 32 set. */
  function hiddenExternalData(): Buffer {
    const entry = Buffer.concat([lenField(tagOf(1, 2), Buffer.from("location")), lenField(tagOf(2, 2), Buffer.from("data.bin"))]);
    const tag = varint(2n ** 32n + BigInt((13 << 3) | 2));
    expect(tag).toHaveLength(5);
    const tensor = Buffer.concat([
      Buffer.from([...tagOf(1, 0), 16]), // dims: [16]
      Buffer.from([...tagOf(2, 0), FLOAT]), // data_type
      lenField(tagOf(8, 2), Buffer.from("leak")), // name
      lenField(tag, entry), // external_data, hidden from a 64-bit tag reader
    ]);
    const graph = Buffer.concat([Buffer.from(onnx.GraphProto.encode({ name: "g" }).finish()), lenField(tagOf(5, 2), tensor)]);
    return Buffer.concat([encode({ irVersion: 8, opsetImport: [{ domain: "", version: 13 }] }), lenField(tagOf(7, 2), graph)]);
  }

  it("a 5-byte tag with bit 32 set: protobufjs (like onnxruntime) reads it as field 13, external data; we refuse it", () => {
    const bytes = hiddenExternalData();
    const theirs = onnx.ModelProto.decode(bytes);
    expect(theirs.graph!.initializer![0].externalData).toEqual([expect.objectContaining({ key: "location", value: "data.bin" })]);
    expect(() => parseOnnxModel(bytes, LIMITS)).toThrow(/protobuf tag longer than 32 bits/);
    expect(errorsOf(bytes)).toMatch(/^model\.onnx: not a valid ONNX model \(protobuf tag longer than 32 bits .* at byte \d+\)$/);
  });

  it("field number 0 and numbers over 2^29-1, and group or undefined wire types", () => {
    const base = encode({ irVersion: 8 });
    expect(() => parseOnnxModel(Buffer.concat([base, Buffer.from([0x00, 0x01])]), LIMITS)).toThrow(/invalid protobuf field number 0/);
    // Field 2^29 needs a tag of 2^32: refused as over 32 bits, which covers every field number over 2^29-1.
    expect(() => parseOnnxModel(Buffer.concat([base, Buffer.from([...varint(2 ** 29 * 8), 0x01])]), LIMITS)).toThrow(
      /tag longer than 32 bits/,
    );
    expect(parseOnnxModel(Buffer.concat([base, Buffer.from([...varint((2 ** 29 - 1) * 8), 0x01])]), LIMITS).irVersion).toBe(8);
    for (const wire of [3, 4, 6, 7]) {
      expect(() => parseOnnxModel(Buffer.concat([base, Buffer.from([...tagOf(30, wire), 0x01])]), LIMITS), `wire ${wire}`).toThrow(
        new RegExp(`unsupported protobuf wire type ${wire}`),
      );
    }
  });

  it("lengths beyond the buffer", () => {
    const bytes = Buffer.concat([encode({ irVersion: 8 }), Buffer.from([...tagOf(7, 2), ...varint(1_000_000), 0x0a])]);
    expect(() => parseOnnxModel(bytes, LIMITS)).toThrow(/runs past its message/);
    const huge = Buffer.concat([encode({ irVersion: 8 }), Buffer.from([...tagOf(7, 2), ...varint(2n ** 62n)])]);
    expect(() => parseOnnxModel(huge, LIMITS)).toThrow(OnnxParseError);
  });

  it("a singular attribute graph given twice (protobuf C++ would merge both node lists; protobufjs keeps the last)", () => {
    const body = (op: string) => Buffer.from(onnx.GraphProto.encode({ name: "b", node: [{ opType: op }] }).finish());
    const attr = Buffer.concat([
      lenField(tagOf(1, 2), Buffer.from("body")),
      lenField(tagOf(6, 2), body("Identity")),
      lenField(tagOf(6, 2), body("Identity")),
    ]);
    const node = Buffer.concat([lenField(tagOf(4, 2), Buffer.from("Loop")), lenField(tagOf(5, 2), attr)]);
    const graph = lenField(tagOf(1, 2), node);
    const bytes = Buffer.concat([encode({ irVersion: 8, opsetImport: [{ domain: "", version: 13 }] }), lenField(tagOf(7, 2), graph)]);
    expect(() => parseOnnxModel(bytes, LIMITS)).toThrow(/attribute field 6 appears twice/);
  });

  it("training_info graphs", () => {
    const bytes = Buffer.concat([model({ node: [] }), lenField(tagOf(20, 2), Buffer.from([]))]);
    expect(errorsOf(bytes)).toMatch(/training_info is not accepted/);
  });

  it("a depth bomb: 1,000 nested If graphs stop at the depth limit, without recursing into them all", () => {
    // Written by hand: protobufjs's own encoder recurses and would overflow the stack first.
    let graph: Buffer = lenField(tagOf(1, 2), lenField(tagOf(4, 2), Buffer.from("Identity")));
    for (let i = 0; i < 1_000; i++) {
      const attr = Buffer.concat([lenField(tagOf(1, 2), Buffer.from("then_branch")), lenField(tagOf(6, 2), graph)]);
      graph = lenField(tagOf(1, 2), Buffer.concat([lenField(tagOf(4, 2), Buffer.from("If")), lenField(tagOf(5, 2), attr)]));
    }
    const bytes = Buffer.concat([encode({ irVersion: 8, opsetImport: [{ domain: "", version: 13 }] }), lenField(tagOf(7, 2), graph)]);
    expect(errorsOf(bytes)).toMatch(/subgraphs nested deeper than 32 levels/);
  });

  it("field, tensor and rank bombs: counts are bounded, not just bytes", () => {
    const small = { maxNodes: 1000, maxDepth: 32 };
    // 100,000 two-byte unknown fields: bounded time.
    expect(() => parseOnnxModel(Buffer.alloc(200_000, Buffer.from([30 << 3, 0])), small)).toThrow(/more than 40000 protobuf fields/);
    // 50,000 empty initializers: bounded memory (100 MB of these ran the web server out of memory).
    const inits = Buffer.alloc(100_000, Buffer.from([(5 << 3) | 2, 0]));
    expect(() => parseOnnxModel(lenField(tagOf(7, 2), inits), small)).toThrow(/more than 4000 tensors and value infos/);
    // One tensor declaring a million packed dims.
    const tensor = lenField(tagOf(1, 2), Buffer.alloc(1_000_000, 1));
    expect(() => parseOnnxModel(lenField(tagOf(7, 2), lenField(tagOf(5, 2), tensor)), LIMITS)).toThrow(
      /a tensor with more than 64 dimensions/,
    );
    // A declared input shape with 65 dims.
    const shape = model({
      input: [
        { name: "x", type: { tensorType: { elemType: FLOAT, shape: { dim: Array.from({ length: 65 }, () => ({ dimValue: 1 })) } } } },
      ],
    });
    expect(() => parseOnnxModel(shape, LIMITS)).toThrow(/a declared shape with more than 64 dimensions/);
  });

  it("a node-count bomb", () => {
    const bytes = model({ node: Array.from({ length: 1001 }, () => ({ opType: "Identity" })) });
    expect(() => parseOnnxModel(bytes, { maxNodes: 1000, maxDepth: 32 })).toThrow(/more than 1000 nodes/);
  });
});

describe("checkOnnxModel finds foreign code and external data everywhere", () => {
  const external: onnx.ITensorProto = {
    name: "leak",
    dims: [16],
    dataType: FLOAT,
    dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
    externalData: [{ key: "location", value: "data.bin" }],
  };
  const externalOnlyEntries: onnx.ITensorProto = {
    name: "leak2",
    dims: [16],
    dataType: FLOAT,
    externalData: [{ key: "location", value: "data.bin" }],
  };
  const loopWith = (body: onnx.IGraphProto): onnx.INodeProto => ({
    opType: "Loop",
    input: ["n", "c"],
    output: ["o"],
    attribute: [{ name: "body", type: GRAPH, g: body }],
  });

  it("a com.evil node in the main graph, and one nested in a Loop inside an If", () => {
    expect(
      errorsOf(
        model(
          { node: [{ opType: "Steal", domain: "com.evil" }] },
          {
            opsetImport: [
              { domain: "", version: 13 },
              { domain: "com.evil", version: 1 },
            ],
          },
        ),
      ),
    ).toMatch(/uses custom operator\(s\) Steal from domain "com\.evil"; custom ops are not supported/);
    const nested = model({
      node: [ifNode({ name: "t", node: [loopWith({ name: "b", node: [{ opType: "Steal", domain: "com.evil" }] })] })],
    });
    expect(errorsOf(nested)).toMatch(/uses custom operator\(s\) Steal from domain "com\.evil"/);
  });

  it("external data in a main-graph initializer, a subgraph initializer, a Constant attribute and a function's attribute default", () => {
    expect(errorsOf(model({ initializer: [external, externalOnlyEntries] }))).toMatch(
      /tensor\(s\) "leak", "leak2" use external data files/,
    );
    expect(errorsOf(model({ node: [loopWith({ name: "b", initializer: [external] })] }))).toMatch(
      /tensor\(s\) "leak" use external data files/,
    );
    expect(
      errorsOf(model({ node: [{ opType: "Constant", output: ["k"], attribute: [{ name: "value", type: TENSOR, t: external }] }] })),
    ).toMatch(/"leak" use external data/);

    // FunctionProto.attribute_proto (field 11) is newer than onnx-proto's schema: written by hand.
    const attr = Buffer.concat([
      lenField(tagOf(1, 2), Buffer.from("value")),
      lenField(tagOf(5, 2), Buffer.from(onnx.TensorProto.encode(external).finish())),
    ]);
    const fn = Buffer.concat([
      lenField(tagOf(1, 2), Buffer.from("F")),
      lenField(tagOf(10, 2), Buffer.from("local")),
      lenField(tagOf(11, 2), attr),
    ]);
    const bytes = Buffer.concat([model({ node: [] }), lenField(tagOf(25, 2), fn)]);
    expect(errorsOf(bytes)).toMatch(/"leak" use external data/);
  });

  it("a custom domain imported by a model-local function", () => {
    const fn = onnx.FunctionProto.encode({ name: "F", domain: "local", opsetImport: [{ domain: "com.evil", version: 1 }] }).finish();
    const bytes = Buffer.concat([model({ node: [] }), lenField(tagOf(25, 2), Buffer.from(fn))]);
    expect(errorsOf(bytes)).toMatch(/imports the custom operator domain "com\.evil"/);
  });
});
