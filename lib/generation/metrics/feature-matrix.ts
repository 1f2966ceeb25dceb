import { AppError } from "../../errors/app-error";

/**
 * N feature vectors of D values each, row-major in one typed array (row i is
 * `data.subarray(i * cols, (i + 1) * cols)`). One flat array rather than an array of rows: the
 * distance kernels walk it with plain index arithmetic, and a 10,000 x 128 Float32 matrix is one
 * 5 MB allocation instead of 10,000 small ones.
 */
export interface FeatureMatrix {
  rows: number;
  cols: number;
  data: Float32Array | Float64Array;
}

/** Wraps a flat row-major array, checking its length and that every value is finite. */
export function featureMatrix(options: { data: Float32Array | Float64Array; cols: number; name?: string }): FeatureMatrix {
  const { data, cols } = options;
  const name = options.name ?? "features";
  if (!Number.isInteger(cols) || cols < 1 || data.length % cols !== 0) {
    throw new AppError("validation", {
      user: `The ${name} do not form whole rows of ${cols} values.`,
      internal: `${name}: length ${data.length} is not a multiple of ${cols}`,
    });
  }
  for (let i = 0; i < data.length; i++) {
    // A NaN or infinity would silently poison every mean, distance and kernel value downstream.
    if (!Number.isFinite(data[i])) {
      throw new AppError("validation", {
        user: `The ${name} contain a value that is not a finite number.`,
        internal: `${name}: non-finite value at row ${Math.floor(i / cols)}, column ${i % cols}`,
      });
    }
  }
  return { rows: data.length / cols, cols, data };
}

/** Builds a Float32 matrix from an array of equal-length rows (tests, small inputs). */
export function featureMatrixFromRows(rows: readonly ArrayLike<number>[], name?: string): FeatureMatrix {
  const cols = rows.length > 0 ? rows[0].length : 1;
  const data = new Float32Array(rows.length * cols);
  rows.forEach((row, i) => {
    if (row.length !== cols) {
      throw new AppError("validation", {
        user: `The ${name ?? "features"} rows differ in length.`,
        internal: `row ${i} has ${row.length} values, row 0 has ${cols}`,
      });
    }
    data.set(row, i * cols);
  });
  return featureMatrix({ data, cols, name });
}

/** Rows `indices` of `m`, as a new Float32 matrix (subsets for KID, samples for k-means). */
export function selectRows(m: FeatureMatrix, indices: ArrayLike<number>): FeatureMatrix {
  const out = new Float32Array(indices.length * m.cols);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i];
    out.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), i * m.cols);
  }
  return { rows: indices.length, cols: m.cols, data: out };
}

export function assertSameWidth(a: FeatureMatrix, b: FeatureMatrix, what: string): void {
  if (a.cols !== b.cols) {
    throw new AppError("validation", {
      user: `The ${what} have different feature sizes.`,
      internal: `${what}: ${a.cols} vs ${b.cols} columns`,
    });
  }
}

export function assertRows(m: FeatureMatrix, min: number, what: string): void {
  if (m.rows < min) {
    throw new AppError("validation", { user: `At least ${min} ${what} are needed.`, internal: `${what}: ${m.rows} rows, need ${min}` });
  }
}
