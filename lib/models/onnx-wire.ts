/**
 * A minimal, bounds-checked reader of the ONNX protobuf (onnx.proto3), enough to list what a
 * model uses: operators and their domains, graph inputs/outputs, and the declared shape and
 * storage of every tensor. We do not use a general protobuf library here because this runs on
 * untrusted bytes in the web server and the scorer: this reader never allocates tensor data
 * (it keeps offsets only), never recurses deeper than `maxDepth`, and stops at `maxNodes`.
 *
 * Strict where a lax reader and onnxruntime's protobuf could disagree, since a field we skip but
 * onnxruntime reads is a field we never checked: a tag must be a varint of at most 5 bytes with
 * a value below 2^32 and a field number in 1..2^29-1 (protobuf C++ keeps only the low 32 bits of
 * a tag, so a 5-byte tag with bit 32 set reads as, say, field 13 there and as a huge unknown
 * field to a 64-bit reader); group wire types (3, 4) and the undefined ones (6, 7) are refused;
 * a singular message field seen twice (which protobuf would merge) is refused; and training_info
 * graphs, which the scorer never runs, are refused rather than walked.
 */

export class OnnxParseError extends Error {}

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

class Reader {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    start: number,
    readonly end: number,
    /** Shared by every reader of one model: counts fields, values and nodes against the limits. */
    readonly budget: Budget,
  ) {
    this.pos = start;
  }

  more(): boolean {
    return this.pos < this.end;
  }

  fail(what: string): never {
    throw new OnnxParseError(`${what} at byte ${this.pos}`);
  }

  /** Varints up to 64 bits; values beyond 2^53 lose precision, which is fine for size checks. */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail("truncated varint");
      const b = this.buf[this.pos++];
      value += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return value >= 2 ** 63 ? value - 2 ** 64 : value;
      scale *= 128;
    }
    this.fail("varint longer than 10 bytes");
  }

  tag(): { field: number; wire: number } {
    this.budget.field(this.pos);
    const start = this.pos;
    const t = this.varint();
    if (this.pos - start > 5 || t < 0 || t >= 2 ** 32) {
      this.pos = start;
      this.fail("protobuf tag longer than 32 bits (onnxruntime would read it as another field)");
    }
    // Below 2^32, the field number is at most 2^29 - 1, protobuf's largest.
    const field = Math.floor(t / 8);
    const wire = t % 8;
    if (field < 1) {
      this.pos = start;
      this.fail("invalid protobuf field number 0");
    }
    if (wire !== WIRE_VARINT && wire !== WIRE_I64 && wire !== WIRE_LEN && wire !== WIRE_I32) {
      this.pos = start;
      this.fail(`unsupported protobuf wire type ${wire}`);
    }
    return { field, wire };
  }

  /** Start/end offsets of a length-delimited field (no copy). */
  span(): [number, number] {
    const len = this.varint();
    if (len < 0 || this.pos + len > this.end) this.fail("length-delimited field runs past its message");
    const s = this.pos;
    this.pos += len;
    return [s, this.pos];
  }

  string(): string {
    const [s, e] = this.span();
    if (e - s > 64 * 1024) throw new OnnxParseError(`string field of ${e - s} bytes at byte ${s} (names are limited to 64 KB)`);
    return Buffer.from(this.buf.buffer, this.buf.byteOffset + s, e - s).toString("utf8");
  }

  sub(): Reader {
    const [s, e] = this.span();
    return new Reader(this.buf, s, e, this.budget);
  }

  skip(wire: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_I64:
        this.advance(8);
        return;
      case WIRE_LEN:
        this.span();
        return;
      case WIRE_I32:
        this.advance(4);
        return;
      default:
        this.fail(`unsupported protobuf wire type ${wire}`);
    }
  }

  advance(n: number): void {
    if (this.pos + n > this.end) this.fail("truncated fixed-width field");
    this.pos += n;
  }

  /** A repeated int64 field that may be packed (wire type 2) or not (wire type 0). */
  int64s(wire: number, into: number[]): void {
    if (wire === WIRE_VARINT) {
      if (into.length >= MAX_RANK) this.fail(`a tensor with more than ${MAX_RANK} dimensions`);
      into.push(this.varint());
    } else if (wire === WIRE_LEN) {
      const r = this.sub();
      while (r.more()) {
        if (into.length >= MAX_RANK) r.fail(`a tensor with more than ${MAX_RANK} dimensions`);
        into.push(r.varint());
      }
    } else {
      this.fail(`unexpected wire type ${wire} for an integer list`);
    }
  }
}

export interface OnnxTensorInfo {
  name: string;
  dataType: number;
  dims: number[];
  /** `data_location == EXTERNAL` or `external_data` entries: the tensor points at another file. */
  external: boolean;
}

export interface OnnxValueInfo {
  name: string;
  /** TensorProto.DataType of a tensor input/output, 0 when it is not a tensor or not declared. */
  elemType: number;
  /** Declared shape: a number per static dim, a string per symbolic dim, null for unknown; null if no shape. */
  dims: (number | string | null)[] | null;
}

export interface OnnxNodeInfo {
  opType: string;
  domain: string;
  name: string;
  subgraphs: OnnxGraphInfo[];
}

export interface OnnxGraphInfo {
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  initializers: OnnxTensorInfo[];
  nodes: OnnxNodeInfo[];
  /** Tensors held in node attributes (Constant values etc.), for the size checks. */
  attributeTensors: OnnxTensorInfo[];
}

export interface OnnxFunctionInfo {
  name: string;
  domain: string;
  nodes: OnnxNodeInfo[];
  /** Tensors in the nodes' attributes and in the function's attribute defaults. */
  attributeTensors: OnnxTensorInfo[];
  /** Subgraphs in the function's attribute defaults. */
  subgraphs: OnnxGraphInfo[];
  opsetImports: { domain: string; version: number }[];
}

export interface OnnxModelInfo {
  irVersion: number;
  opsetImports: { domain: string; version: number }[];
  graph: OnnxGraphInfo | null;
  functions: OnnxFunctionInfo[];
  nodeCount: number;
}

export interface OnnxParseLimits {
  maxNodes: number;
  maxDepth: number;
}

/** Most dimensions of one tensor or declared shape (ONNX sets none; numpy allows 64). */
const MAX_RANK = 64;

/**
 * Time and memory are bounded by counts, not bytes: skipped spans (raw tensor data) cost nothing,
 * but 100 MB of two-byte empty initializers were 50 million objects and ran the web server out
 * of memory, and 100 MB of two-byte unknown fields took 1.4 s to step through. A real model has
 * some tens of fields and a few tensors or value infos per node, so both limits scale with
 * maxNodes (100,000 nodes: 4,000,000 fields, about 60 ms; 400,000 tensors and value infos).
 */
const FIELDS_PER_NODE = 40;
const VALUES_PER_NODE = 4;

class Budget {
  nodes = 0;
  private fields = 0;
  private values = 0;
  constructor(readonly limits: OnnxParseLimits) {}
  field(at: number): void {
    if (++this.fields > this.limits.maxNodes * FIELDS_PER_NODE) {
      throw new OnnxParseError(`more than ${this.limits.maxNodes * FIELDS_PER_NODE} protobuf fields at byte ${at}`);
    }
  }
  value(): void {
    if (++this.values > this.limits.maxNodes * VALUES_PER_NODE) {
      throw new OnnxParseError(`more than ${this.limits.maxNodes * VALUES_PER_NODE} tensors and value infos`);
    }
  }
  node(): void {
    if (++this.nodes > this.limits.maxNodes) {
      throw new OnnxParseError(`more than ${this.limits.maxNodes} nodes (graph, subgraphs and functions together)`);
    }
  }
  depth(d: number): void {
    if (d > this.limits.maxDepth) throw new OnnxParseError(`subgraphs nested deeper than ${this.limits.maxDepth} levels`);
  }
}

/** Parses the structure of an ONNX ModelProto. Throws OnnxParseError on malformed input or limits. */
export function parseOnnxModel(bytes: Uint8Array, limits: OnnxParseLimits): OnnxModelInfo {
  const budget = new Budget(limits);
  const r = new Reader(bytes, 0, bytes.length, budget);
  const model: OnnxModelInfo = { irVersion: 0, opsetImports: [], graph: null, functions: [], nodeCount: 0 };
  while (r.more()) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE_VARINT) model.irVersion = r.varint();
    else if (field === 8 && wire === WIRE_LEN) model.opsetImports.push(readOpset(r.sub()));
    else if (field === 7 && wire === WIRE_LEN) {
      if (model.graph) r.fail("more than one main graph");
      model.graph = readGraph(r.sub(), budget, 1);
    } else if (field === 25 && wire === WIRE_LEN) model.functions.push(readFunction(r.sub(), budget));
    else if (field === 20) r.fail("training_info is not accepted (the scorer runs inference only; export without it)");
    else r.skip(wire);
  }
  model.nodeCount = budget.nodes;
  return model;
}

function readOpset(r: Reader): { domain: string; version: number } {
  const out = { domain: "", version: 0 };
  while (r.more()) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE_LEN) out.domain = r.string();
    else if (field === 2 && wire === WIRE_VARINT) out.version = r.varint();
    else r.skip(wire);
  }
  return out;
}

function readGraph(r: Reader, budget: Budget, depth: number): OnnxGraphInfo {
  budget.depth(depth);
  const g: OnnxGraphInfo = { inputs: [], outputs: [], initializers: [], nodes: [], attributeTensors: [] };
  while (r.more()) {
    const { field, wire } = r.tag();
    if (wire !== WIRE_LEN) {
      r.skip(wire);
      continue;
    }
    if (field === 1) g.nodes.push(readNode(r.sub(), budget, depth, g.attributeTensors));
    else if (field === 5) g.initializers.push(readTensor(r.sub()));
    else if (field === 15) g.initializers.push(...readSparseTensor(r.sub()));
    else if (field === 11) g.inputs.push(readValueInfo(r.sub()));
    else if (field === 12) g.outputs.push(readValueInfo(r.sub()));
    else r.skip(wire);
  }
  return g;
}

function readFunction(r: Reader, budget: Budget): OnnxFunctionInfo {
  const f: OnnxFunctionInfo = { name: "", domain: "", nodes: [], attributeTensors: [], subgraphs: [], opsetImports: [] };
  while (r.more()) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE_LEN) f.name = r.string();
    else if (field === 10 && wire === WIRE_LEN) f.domain = r.string();
    else if (field === 7 && wire === WIRE_LEN) f.nodes.push(readNode(r.sub(), budget, 1, f.attributeTensors));
    else if (field === 9 && wire === WIRE_LEN) f.opsetImports.push(readOpset(r.sub()));
    // attribute_proto: default attribute values, which may hold tensors and graphs too.
    else if (field === 11 && wire === WIRE_LEN) readAttribute(r.sub(), budget, 1, f.subgraphs, f.attributeTensors);
    else r.skip(wire);
  }
  return f;
}

function readNode(r: Reader, budget: Budget, depth: number, tensors: OnnxTensorInfo[]): OnnxNodeInfo {
  budget.node();
  const n: OnnxNodeInfo = { opType: "", domain: "", name: "", subgraphs: [] };
  while (r.more()) {
    const { field, wire } = r.tag();
    if (field === 4 && wire === WIRE_LEN) n.opType = r.string();
    else if (field === 7 && wire === WIRE_LEN) n.domain = r.string();
    else if (field === 3 && wire === WIRE_LEN) n.name = r.string();
    else if (field === 5 && wire === WIRE_LEN) readAttribute(r.sub(), budget, depth, n.subgraphs, tensors);
    else r.skip(wire);
  }
  return n;
}

function readAttribute(r: Reader, budget: Budget, depth: number, subgraphs: OnnxGraphInfo[], tensors: OnnxTensorInfo[]): void {
  const singular = new Set<number>();
  while (r.more()) {
    const { field, wire } = r.tag();
    if (wire !== WIRE_LEN) {
      r.skip(wire);
      continue;
    }
    // protobuf merges two copies of a singular message field (two `g`s become one graph with
    // both node lists): refuse rather than check something onnxruntime does not run.
    if (field === 5 || field === 6 || field === 22) {
      if (singular.has(field)) r.fail(`attribute field ${field} appears twice`);
      singular.add(field);
    }
    // 5: t, 10: tensors, 6: g, 11: graphs, 22: sparse_tensor, 23: sparse_tensors
    if (field === 5 || field === 10) tensors.push(readTensor(r.sub()));
    else if (field === 22 || field === 23) tensors.push(...readSparseTensor(r.sub()));
    else if (field === 6 || field === 11) subgraphs.push(readGraph(r.sub(), budget, depth + 1));
    else r.skip(wire);
  }
}

function readTensor(r: Reader): OnnxTensorInfo {
  r.budget.value();
  const t: OnnxTensorInfo = { name: "", dataType: 0, dims: [], external: false };
  while (r.more()) {
    const { field, wire } = r.tag();
    if (field === 1) r.int64s(wire, t.dims);
    else if (field === 2 && wire === WIRE_VARINT) t.dataType = r.varint();
    else if (field === 8 && wire === WIRE_LEN) t.name = r.string();
    else if (field === 13 && wire === WIRE_LEN) {
      t.external = true;
      r.skip(wire);
    } else if (field === 14 && wire === WIRE_VARINT) {
      if (r.varint() !== 0) t.external = true;
    } else r.skip(wire);
  }
  return t;
}

function readSparseTensor(r: Reader): OnnxTensorInfo[] {
  const out: OnnxTensorInfo[] = [];
  const dims: number[] = [];
  while (r.more()) {
    const { field, wire } = r.tag();
    if ((field === 1 || field === 2) && wire === WIRE_LEN) out.push(readTensor(r.sub()));
    else if (field === 3) r.int64s(wire, dims);
    else r.skip(wire);
  }
  // The dense shape is what a consumer may materialise; check it like a dense tensor too.
  const values = out[0];
  if (values) out.push({ name: values.name, dataType: values.dataType, dims, external: false });
  return out;
}

function readValueInfo(r: Reader): OnnxValueInfo {
  r.budget.value();
  const v: OnnxValueInfo = { name: "", elemType: 0, dims: null };
  while (r.more()) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE_LEN) v.name = r.string();
    else if (field === 2 && wire === WIRE_LEN) readTypeProto(r.sub(), v);
    else r.skip(wire);
  }
  return v;
}

function readTypeProto(r: Reader, v: OnnxValueInfo): void {
  while (r.more()) {
    const { field, wire } = r.tag();
    if (field !== 1 || wire !== WIRE_LEN) {
      r.skip(wire);
      continue;
    }
    const t = r.sub(); // TypeProto.Tensor
    while (t.more()) {
      const tt = t.tag();
      if (tt.field === 1 && tt.wire === WIRE_VARINT) v.elemType = t.varint();
      else if (tt.field === 2 && tt.wire === WIRE_LEN) {
        v.dims = [];
        const shape = t.sub();
        while (shape.more()) {
          const st = shape.tag();
          if (st.field !== 1 || st.wire !== WIRE_LEN) {
            shape.skip(st.wire);
            continue;
          }
          const dim = shape.sub();
          let d: number | string | null = null;
          while (dim.more()) {
            const dt = dim.tag();
            if (dt.field === 1 && dt.wire === WIRE_VARINT) d = dim.varint();
            else if (dt.field === 2 && dt.wire === WIRE_LEN) d = dim.string();
            else dim.skip(dt.wire);
          }
          if (v.dims.length >= MAX_RANK) dim.fail(`a declared shape with more than ${MAX_RANK} dimensions`);
          v.dims.push(d);
        }
      } else t.skip(tt.wire);
    }
  }
}

/** Bytes per element of TensorProto.DataType (strings counted as 1; 4-bit types as 0.5). */
export function onnxElementBytes(dataType: number): number {
  switch (dataType) {
    case 1: // FLOAT
    case 6: // INT32
    case 12: // UINT32
      return 4;
    case 7: // INT64
    case 11: // DOUBLE
    case 13: // UINT64
    case 14: // COMPLEX64
      return 8;
    case 15: // COMPLEX128
      return 16;
    case 4: // UINT16
    case 5: // INT16
    case 10: // FLOAT16
    case 16: // BFLOAT16
      return 2;
    case 21: // UINT4
    case 22: // INT4
    case 23: // FLOAT4E2M1
      return 0.5;
    default:
      return 1;
  }
}
