import { onnx } from "onnx-proto";

/**
 * A small writer of ONNX graphs (opset 17, default domain only): nodes get fresh value names,
 * constants become initializers, and `encode()` returns the ModelProto bytes that
 * onnxruntime-node loads. The protobuf itself is written by onnx-proto (protobufjs), not by hand:
 * the project's own `lib/models/onnx-wire.ts` is a reader for untrusted uploads only.
 */

export const OPSET = 17;

export type AttributeValue = number | number[] | string | { float: number } | { floats: number[] };

const AT = onnx.AttributeProto.AttributeType;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

export type ElemType = "float" | "int64";

function attribute(name: string, value: AttributeValue): onnx.IAttributeProto {
  if (typeof value === "string") return { name, type: AT.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === "number") return Number.isInteger(value) ? { name, type: AT.INT, i: value } : { name, type: AT.FLOAT, f: value };
  if (Array.isArray(value)) return { name, type: AT.INTS, ints: value };
  if ("float" in value) return { name, type: AT.FLOAT, f: value.float };
  return { name, type: AT.FLOATS, floats: value.floats };
}

/** A dimension: its size, or a name for a symbolic one (the batch of an inference graph). */
export type Dim = number | string;

function valueInfo(name: string, dims: Dim[], elem: ElemType): onnx.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === "string" ? { dimParam: d } : { dimValue: d }));
  return { name, type: { tensorType: { elemType: elem === "float" ? FLOAT : INT64, shape: { dim } } } };
}

export class OnnxGraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private readonly used = new Set<string>();
  private readonly constants = new Map<string, string>();
  private counter = 0;

  /** A fresh value name starting with `hint`. */
  fresh(hint: string): string {
    let name = hint;
    while (this.used.has(name)) name = `${hint}_${++this.counter}`;
    this.used.add(name);
    return name;
  }

  input(name: string, dims: Dim[], elem: ElemType = "float"): string {
    if (this.used.has(name)) throw new Error(`duplicate graph value ${name}`);
    this.used.add(name);
    this.inputs.push(valueInfo(name, dims, elem));
    return name;
  }

  /** Declares `value` a graph output under `name` (an Identity when the names differ). */
  output(name: string, value: string, dims: Dim[], elem: ElemType = "float"): string {
    if (value !== name) {
      if (this.used.has(name)) throw new Error(`duplicate graph value ${name}`);
      this.used.add(name);
      this.nodes.push({ opType: "Identity", input: [value], output: [name], name });
    }
    this.outputs.push(valueInfo(name, dims, elem));
    return name;
  }

  /** One node with one output; returns the output's name. */
  op(opType: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, hint = opType.toLowerCase()): string {
    return this.opMulti(opType, inputs, 1, attributes, hint)[0];
  }

  opMulti(
    opType: string,
    inputs: string[],
    outputCount: number,
    attributes: Record<string, AttributeValue> = {},
    hint = opType.toLowerCase(),
  ): string[] {
    const outs = Array.from({ length: outputCount }, (_, i) => this.fresh(outputCount === 1 ? hint : `${hint}_${i}`));
    this.nodes.push({
      opType,
      input: inputs,
      output: outs,
      name: outs[0],
      attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
    });
    return outs;
  }

  /** A float initializer (weights of an inference graph, or constants). */
  floatTensor(hint: string, dims: number[], values: ArrayLike<number>): string {
    const name = this.fresh(hint);
    const data = Float32Array.from(values);
    if (data.length !== dims.reduce((a, d) => a * d, 1)) throw new Error(`${hint}: ${data.length} values for dims [${dims}]`);
    this.initializers.push({ name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
    return name;
  }

  /** An int64 initializer (shapes, axes, pads); identical constants are shared. */
  ints(values: number[], hint = "ints"): string {
    const key = `i:${values.join(",")}`;
    const known = this.constants.get(key);
    if (known) return known;
    const name = this.fresh(hint);
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.initializers.push({ name, dims: [values.length], dataType: INT64, rawData: new Uint8Array(data.buffer) });
    this.constants.set(key, name);
    return name;
  }

  /** A float scalar constant (shared). */
  scalar(value: number): string {
    const key = `f:${value}`;
    const known = this.constants.get(key);
    if (known) return known;
    const name = this.floatTensor("c", [], [value]);
    this.constants.set(key, name);
    return name;
  }

  encode(graphName: string): Uint8Array {
    const model: onnx.IModelProto = {
      irVersion: 8,
      producerName: "tiny-portraits onnx-training",
      opsetImport: [{ domain: "", version: OPSET }],
      graph: { name: graphName, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs },
    };
    return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
  }

  get nodeCount(): number {
    return this.nodes.length;
  }
}
