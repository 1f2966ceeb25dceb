import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { registerWasmTrainingKernels, wasmTrainingKernelsRegistered, WASM_TRAINING_KERNELS } from "./register-wasm-training-kernels";
import { selectTrainingBackend } from "./select-backend";
import { compareKernel, host, type HostTensor } from "../../test-support/ml/compare-backends";

/**
 * Each wasm training kernel against the cpu backend's kernel of the same name, on a spread of
 * shapes: error max|wasm - cpu| / max|cpu| <= 1e-4. Shapes are small: the cpu backend is slow.
 */

const TOL = 1e-4;

beforeAll(async () => {
  const b = await selectTrainingBackend({ allowCpu: false });
  expect(b.backend).toBe("wasm");
  expect(b.trainingKernels).toBe(true);
});

describe("registration", () => {
  it("registers every kernel for wasm, idempotently", () => {
    registerWasmTrainingKernels();
    expect(wasmTrainingKernelsRegistered()).toBe(true);
    for (const name of WASM_TRAINING_KERNELS) expect(tf.getKernel(name, "wasm")).toBeDefined();
    expect(WASM_TRAINING_KERNELS).toEqual(expect.arrayContaining(["Conv2DBackpropFilter", "Conv2DBackpropInput"]));
  });
});

type Pad = "same" | "valid" | number | [[number, number], [number, number], [number, number], [number, number]];
interface ConvCase {
  n: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  k: [number, number];
  s: [number, number];
  pad: Pad;
}

function outSize(inSize: number, k: number, s: number, pad: Pad, axis: 0 | 1): number {
  if (pad === "same") return Math.ceil(inSize / s);
  if (pad === "valid") return Math.floor((inSize - k) / s) + 1;
  const [a, b] = typeof pad === "number" ? [pad, pad] : pad[axis + 1];
  return Math.floor((inSize + a + b - k) / s) + 1;
}

const convCases: ConvCase[] = [];
{
  const sizes: [number, number][] = [
    [7, 9],
    [8, 6],
    [11, 11],
    [5, 13],
  ];
  const kernels: [number, number][] = [
    [3, 3],
    [5, 5],
    [1, 1],
    [3, 5],
    [2, 2],
    [4, 4],
  ];
  const strides: [number, number][] = [
    [1, 1],
    [2, 2],
    [1, 2],
    [2, 1],
    [3, 3],
  ];
  const channels: [number, number][] = [
    [1, 1],
    [3, 4],
    [8, 5],
    [16, 12],
  ];
  let i = 0;
  for (const k of kernels) {
    for (const s of strides) {
      for (const pad of ["same", "valid"] as const) {
        const [h, w] = sizes[i % sizes.length];
        const [ci, co] = channels[i % channels.length];
        const n = i % 3 === 0 ? 1 : 3;
        i++;
        if (pad === "valid" && (k[0] > h || k[1] > w)) continue;
        convCases.push({ n, h, w, ci, co, k, s, pad });
      }
    }
  }
  // Explicit and numeric padding, and a layer-sized case.
  convCases.push({ n: 2, h: 9, w: 8, ci: 3, co: 4, k: [3, 3], s: [2, 2], pad: 1 });
  convCases.push({
    n: 2,
    h: 9,
    w: 8,
    ci: 3,
    co: 4,
    k: [3, 3],
    s: [1, 1],
    pad: [
      [0, 0],
      [2, 0],
      [0, 1],
      [0, 0],
    ],
  });
  convCases.push({
    n: 2,
    h: 10,
    w: 7,
    ci: 5,
    co: 6,
    k: [3, 3],
    s: [2, 2],
    pad: [
      [0, 0],
      [0, 2],
      [1, 1],
      [0, 0],
    ],
  });
  convCases.push({ n: 4, h: 27, w: 21, ci: 12, co: 16, k: [3, 3], s: [1, 1], pad: "same" });
}

const label = (c: ConvCase) => `x[${c.n},${c.h},${c.w},${c.ci}] k${c.k.join("x")}->${c.co} s${c.s.join(",")} ${JSON.stringify(c.pad)}`;

describe("Conv2DBackpropFilter / Conv2DBackpropInput match the cpu backend", () => {
  it(`covers ${convCases.length} shapes (strides 1/2/3, same/valid/explicit, odd sizes, batch 1 and 3, 1x1..5x5)`, async () => {
    const failures: string[] = [];
    for (const [i, c] of convCases.entries()) {
      const ho = outSize(c.h, c.k[0], c.s[0], c.pad, 0);
      const wo = outSize(c.w, c.k[1], c.s[1], c.pad, 1);
      const x = host([c.n, c.h, c.w, c.ci], 11 + i);
      const filter = host([c.k[0], c.k[1], c.ci, c.co], 23 + i);
      const dy = host([c.n, ho, wo, c.co], 37 + i);
      const common = { strides: c.s, pad: c.pad, dataFormat: "NHWC" };
      const f = await compareKernel("Conv2DBackpropFilter", { x, dy }, { ...common, filterShape: filter.shape });
      const d = await compareKernel("Conv2DBackpropInput", { dy, filter }, { ...common, inputShape: x.shape });
      expect(f.wasm.shape).toEqual(filter.shape);
      expect(d.wasm.shape).toEqual(x.shape);
      if (!(f.error <= TOL)) failures.push(`filter ${label(c)}: ${f.error}`);
      if (!(d.error <= TOL)) failures.push(`input ${label(c)}: ${d.error}`);
    }
    expect(failures).toEqual([]);
  });
});

describe("per-channel broadcasting binary ops match the cpu backend", () => {
  const fulls = [
    [2, 16, 12, 16],
    [3, 33, 5, 8],
    [4096, 3],
  ];
  const ops = ["Multiply", "Add", "Sub", "RealDiv", "SquaredDifference"];
  it("full op [C] / [1,1,1,C] / scalar, both operand orders, and non-channel shapes (stock fallback)", async () => {
    const failures: string[] = [];
    let seed = 100;
    for (const full of fulls) {
      const c = full[full.length - 1];
      const smalls = [
        [c],
        [...full.slice(1).map(() => 1), c].slice(-full.length),
        [],
        [1],
        [full[0], ...full.slice(1, -1).map(() => 1), c],
      ];
      for (const small of smalls) {
        for (const op of ops) {
          for (const smallFirst of [false, true]) {
            const a = host(full, seed++);
            const b = host(small, seed++);
            if (op === "RealDiv") (smallFirst ? a : b).data.forEach((v, i, arr) => ((arr as Float32Array)[i] = v >= 0 ? v + 0.5 : v - 0.5)); // keep divisors away from 0
            const inputs: Record<string, HostTensor> = smallFirst ? { a: b, b: a } : { a, b };
            const r = await compareKernel(op, inputs, {});
            expect(r.wasm.shape).toEqual(r.cpu.shape);
            if (!(r.error <= TOL)) failures.push(`${op} ${JSON.stringify(inputs.a.shape)} ${JSON.stringify(inputs.b.shape)}: ${r.error}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });
});

describe("Sum / Mean match the cpu backend", () => {
  it("over leading axes (fast path), other axes (stock) and int32", async () => {
    const failures: string[] = [];
    const shapes = [
      [4, 9, 7, 5],
      [3, 11, 13],
      [200, 6],
    ];
    let seed = 500;
    for (const shape of shapes) {
      const r = shape.length;
      const axesList = [[0], [0, 1], [...Array(r - 1).keys()], [r - 1], [1], [-r, -r + 1].slice(0, r - 1), [...Array(r).keys()]];
      for (const axis of axesList) {
        for (const keepDims of [false, true]) {
          for (const op of ["Sum", "Mean"]) {
            const x = host(shape, seed++);
            const res = await compareKernel(op, { x }, { axis, keepDims });
            expect(res.wasm.shape).toEqual(res.cpu.shape);
            if (!(res.error <= TOL))
              failures.push(`${op} ${JSON.stringify(shape)} axis ${JSON.stringify(axis)} keepDims ${keepDims}: ${res.error}`);
          }
        }
      }
    }
    const xi = host([5, 4, 3], 7, "int32");
    const si = await compareKernel("Sum", { x: xi }, { axis: [0, 1], keepDims: false });
    expect(si.wasm.dtype).toBe("int32");
    expect(si.error).toBe(0);
    expect(failures).toEqual([]);
  });
});

describe("Tile matches the cpu backend", () => {
  it("ranks 1-5, float32/int32/bool", async () => {
    const cases: [number[], number[]][] = [
      [
        [1, 1, 1, 5],
        [3, 4, 6, 1],
      ],
      [
        [2, 3],
        [2, 2],
      ],
      [[3], [4]],
      [
        [2, 1, 3, 1],
        [1, 5, 1, 7],
      ],
      [
        [2, 3, 1, 2, 2],
        [2, 1, 3, 1, 2],
      ],
      [
        [4, 5],
        [1, 1],
      ],
    ];
    let seed = 900;
    for (const [shape, reps] of cases) {
      for (const dtype of ["float32", "int32", "bool"] as const) {
        const r = await compareKernel("Tile", { x: host(shape, seed++, dtype) }, { reps });
        expect(r.wasm.shape).toEqual(shape.map((d, i) => d * reps[i]));
        expect(r.wasm.dtype).toBe(dtype);
        expect(Array.from(r.wasm.data)).toEqual(Array.from(r.cpu.data));
      }
    }
  });
});

describe("FusedBatchNorm matches the cpu backend", () => {
  it("per-channel statistics of rank 1 and 4, with and without scale/offset, large mean", async () => {
    let seed = 2000;
    for (const shape of [
      [2, 16, 12, 16],
      [3, 9, 11, 5],
      [5000, 3],
    ]) {
      const c = shape[shape.length - 1];
      for (const statShape of [[c], [...shape.slice(0, -1).map(() => 1), c]]) {
        for (const withAffine of [true, false]) {
          const x = host(shape, seed++);
          x.data.forEach((v, i, a) => ((a as Float32Array)[i] = 20 + v)); // |mean| >> std
          const mean = host(statShape, seed++);
          mean.data.forEach((v, i, a) => ((a as Float32Array)[i] = 20 + v * 0.1));
          const variance = host(statShape, seed++);
          variance.data.forEach((v, i, a) => ((a as Float32Array)[i] = 0.2 + Math.abs(v)));
          const inputs: Record<string, HostTensor> = { x, mean, variance };
          if (withAffine) Object.assign(inputs, { scale: host(statShape, seed++), offset: host(statShape, seed++) });
          const r = await compareKernel("FusedBatchNorm", inputs, { varianceEpsilon: 1e-3 });
          expect(r.wasm.shape).toEqual(shape);
          expect(r.error, `${JSON.stringify(shape)} stats ${JSON.stringify(statShape)} affine ${withAffine}`).toBeLessThanOrEqual(TOL);
        }
      }
    }
  });
});

describe("no leaked intermediates", () => {
  it("every replaced kernel leaves the backend with as many data buffers as before", async () => {
    await tf.setBackend("wasm");
    const backend = tf.backend();
    const before = backend.numDataIds();
    tf.tidy(() => {
      const x = tf.randomNormal<tf.Rank.R4>([2, 9, 8, 4]);
      const f = tf.randomNormal<tf.Rank.R4>([3, 3, 4, 5]);
      const big = tf.randomNormal([2, 40, 30, 6]);
      const c = tf.randomNormal([6]);
      for (const s of [1, 2]) {
        const y = tf.conv2d(x, f, s, "same");
        tf.engine().runKernel(
          "Conv2DBackpropFilter",
          { x, dy: y },
          { strides: [s, s], pad: "same", dataFormat: "NHWC", filterShape: f.shape },
        );
        tf.engine().runKernel(
          "Conv2DBackpropInput",
          { dy: y, filter: f },
          { strides: [s, s], pad: "same", dataFormat: "NHWC", inputShape: x.shape },
        );
      }
      tf.mul(big, c);
      tf.add(big, c);
      tf.sub(c, big);
      tf.div(big, c);
      tf.squaredDifference(big, c);
      tf.sum(big, [0, 1, 2]);
      tf.mean(big, [0, 1]);
      tf.tile(c.reshape([1, 1, 1, 6]), [2, 3, 4, 1]);
      tf.batchNorm(big, c, tf.abs(c), c, c);
      const p = tf.maxPool(big as tf.Tensor4D, 2, 2, "valid");
      tf.engine().runKernel("MaxPoolGrad", { dy: p, input: big, output: p }, { filterSize: 2, strides: 2, pad: "valid" });
      tf.cast(big, "bool");
      tf.clone(big);
    });
    expect(backend.numDataIds()).toBe(before);
  });
});

describe("Identity / Cast alias instead of copying", () => {
  it("share the input's data, stay correct after the input is disposed, and convert other dtypes", async () => {
    await tf.setBackend("wasm");
    const backend = tf.backend();
    const x = tf.tensor([1.5, -2, 3], [3]);
    const before = backend.numDataIds();
    const y = tf.engine().runKernel<tf.Tensor>("Identity", { x });
    const z = tf.cast(x, "float32").add(0); // Cast to the same dtype is a clone
    expect(backend.numDataIds()).toBe(before + 1); // only the add allocated
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1.5, -2, 3]);
    expect(Array.from(z.dataSync())).toEqual([1.5, -2, 3]);
    const i = tf.cast(tf.tensor([1.7, -2.2, 0]), "int32");
    expect(Array.from(i.dataSync())).toEqual([1, -2, 0]);
    const b = tf.cast(tf.tensor([0, 2, -1]), "bool");
    expect(Array.from(b.dataSync())).toEqual([0, 1, 1]);
    tf.dispose([y, z, i, b]);
  });
});

describe("MaxPoolGrad matches the cpu backend", () => {
  it("non-overlapping, overlapping, padded, odd sizes, ties", async () => {
    const cases: {
      shape: number[];
      filterSize: number | [number, number];
      strides: number | [number, number];
      pad: "same" | "valid";
      ties?: boolean;
    }[] = [
      { shape: [2, 9, 7, 3], filterSize: 2, strides: 2, pad: "valid" },
      { shape: [2, 9, 7, 3], filterSize: 2, strides: 2, pad: "same" },
      { shape: [1, 11, 10, 4], filterSize: 3, strides: 2, pad: "same" },
      { shape: [3, 8, 9, 2], filterSize: 3, strides: 1, pad: "same" },
      { shape: [3, 8, 9, 2], filterSize: 3, strides: 1, pad: "valid" },
      { shape: [2, 10, 12, 5], filterSize: [2, 3], strides: [1, 2], pad: "same" },
      { shape: [2, 8, 8, 6], filterSize: 2, strides: 2, pad: "valid", ties: true },
      { shape: [2, 9, 9, 6], filterSize: 3, strides: 2, pad: "same", ties: true },
    ];
    let seed = 1300;
    for (const c of cases) {
      const input = host(c.shape, seed++);
      // ReLU-like input: many exact zeros, so windows tie.
      if (c.ties) input.data.forEach((v, i, a) => ((a as Float32Array)[i] = Math.max(0, Math.round(v * 2) / 2)));
      const output = await (async () => {
        await tf.setBackend("cpu");
        const t = tf.tidy(() =>
          tf.maxPool(
            tf.tensor4d(input.data as Float32Array, input.shape as [number, number, number, number]),
            c.filterSize,
            c.strides,
            c.pad,
          ),
        );
        const o: HostTensor = { data: t.dataSync(), shape: t.shape, dtype: "float32" };
        t.dispose();
        return o;
      })();
      const dy = host(output.shape, seed++);
      const r = await compareKernel("MaxPoolGrad", { dy, input, output }, { filterSize: c.filterSize, strides: c.strides, pad: c.pad });
      expect(r.wasm.shape).toEqual(c.shape);
      expect(r.error, JSON.stringify(c)).toBeLessThanOrEqual(TOL);
    }
  });
});
