import { onnx } from "onnx-proto";
import { ATTRIBUTES, CLASSES, IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH } from "../../lib/challenge/definition";
import type { Manifest } from "../../lib/models/manifest";
import { mulberry32 } from "../../lib/random/mulberry32";

/**
 * Test-only: the ONNX graph `torch.onnx.export` writes for a small CNN with the pytorch guide's
 * call (Conv -> Relu -> GlobalAveragePool -> Flatten -> one Gemm per head), with the input and
 * output names, NCHW layout and symbolic batch dimension taken from the guide's manifest and
 * export call. Weights are random: the point is the interface, not the accuracy.
 */
export function buildExportedOnnx(options: { manifest: Manifest; batchDim: string; opset: number; seed?: number }): Buffer {
  const { manifest, batchDim } = options;
  const random = mulberry32(options.seed ?? 1);
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const A = onnx.AttributeProto.AttributeType;
  const values = (n: number, scale: number) => Array.from({ length: n }, () => (random() * 2 - 1) * scale);
  const tensor = (name: string, dims: number[], floatData: number[]): onnx.ITensorProto => ({ name, dims, dataType: FLOAT, floatData });
  const valueInfo = (name: string, dims: (number | string)[]): onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => (typeof d === "string" ? { dimParam: d } : { dimValue: d })) } } },
  });

  const input = manifest.input.name ?? "input";
  const features = 8;
  const initializer = [
    tensor("trunk.0.weight", [features, IMAGE_CHANNELS, 3, 3], values(features * IMAGE_CHANNELS * 9, 0.5)),
    tensor("trunk.0.bias", [features], values(features, 0.1)),
  ];
  const node: onnx.INodeProto[] = [
    {
      opType: "Conv",
      input: [input, "trunk.0.weight", "trunk.0.bias"],
      output: ["/trunk/trunk.0/Conv_output_0"],
      attribute: [
        { name: "kernel_shape", type: A.INTS, ints: [3, 3] },
        { name: "strides", type: A.INTS, ints: [2, 2] },
        { name: "pads", type: A.INTS, ints: [1, 1, 1, 1] },
      ],
    },
    { opType: "Relu", input: ["/trunk/trunk.0/Conv_output_0"], output: ["/trunk/Relu_output_0"] },
    { opType: "GlobalAveragePool", input: ["/trunk/Relu_output_0"], output: ["/trunk/GlobalAveragePool_output_0"] },
    {
      opType: "Flatten",
      input: ["/trunk/GlobalAveragePool_output_0"],
      output: ["/trunk/Flatten_output_0"],
      attribute: [{ name: "axis", type: A.INT, i: 1 }],
    },
  ];
  const output: onnx.IValueInfoProto[] = [];
  ATTRIBUTES.forEach((attr, i) => {
    const head = manifest.outputs[attr];
    if (typeof head.output !== "string") throw new Error("the guide names its outputs");
    const k = CLASSES[attr].length;
    initializer.push(tensor(`heads.${i}.weight`, [k, features], values(k * features, 1)), tensor(`heads.${i}.bias`, [k], values(k, 0.1)));
    node.push({
      opType: "Gemm",
      input: ["/trunk/Flatten_output_0", `heads.${i}.weight`, `heads.${i}.bias`],
      output: [head.output],
      attribute: [{ name: "transB", type: A.INT, i: 1 }],
    });
    output.push(valueInfo(head.output, [batchDim, k]));
  });

  const model: onnx.IModelProto = {
    irVersion: 8,
    producerName: "pytorch",
    producerVersion: "2.5.0",
    opsetImport: [{ domain: "", version: options.opset }],
    graph: {
      name: "main_graph",
      input: [valueInfo(input, [batchDim, IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH])],
      output,
      initializer,
      node,
    },
  };
  return Buffer.from(onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish());
}
