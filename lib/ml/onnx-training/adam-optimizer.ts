/**
 * Adam on plain Float32Arrays (the engine keeps the weights in JavaScript and feeds them to the
 * step graph): m = b1 m + (1-b1) g, v = b2 v + (1-b2) g^2,
 * w -= lr * (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps), the update tfjs's and PyTorch's Adam
 * make (tfjs's defaults: b1 0.9, b2 0.999, eps 1e-7). The learning rate is given per step, so any
 * schedule (the baselines' warm-up + cosine) drives it.
 */
export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export interface AdamState {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  step: number;
  m: Map<string, Float32Array>;
  v: Map<string, Float32Array>;
}

export function createAdam(options: AdamOptions = {}): AdamState {
  return {
    beta1: options.beta1 ?? 0.9,
    beta2: options.beta2 ?? 0.999,
    epsilon: options.epsilon ?? 1e-7,
    step: 0,
    m: new Map(),
    v: new Map(),
  };
}

/** One Adam update of every parameter in `parameters` with the gradient of the same name, in place. */
export function applyAdam(options: {
  state: AdamState;
  parameters: Map<string, Float32Array>;
  gradients: Map<string, Float32Array>;
  learningRate: number;
}): void {
  const { state, parameters, gradients, learningRate } = options;
  state.step++;
  const { beta1, beta2, epsilon } = state;
  const c1 = 1 / (1 - beta1 ** state.step);
  const c2 = 1 / (1 - beta2 ** state.step);
  for (const [name, w] of parameters) {
    const grad = gradients.get(name);
    if (!grad || grad.length !== w.length) throw new Error(`adam: no gradient of size ${w.length} for ${name}`);
    let m = state.m.get(name);
    let v = state.v.get(name);
    if (!m || !v) {
      m = new Float32Array(w.length);
      v = new Float32Array(w.length);
      state.m.set(name, m);
      state.v.set(name, v);
    }
    for (let i = 0; i < w.length; i++) {
      const gi = grad[i];
      const mi = beta1 * m[i] + (1 - beta1) * gi;
      const vi = beta2 * v[i] + (1 - beta2) * gi * gi;
      m[i] = mi;
      v[i] = vi;
      w[i] -= (learningRate * mi * c1) / (Math.sqrt(vi * c2) + epsilon);
    }
  }
}
