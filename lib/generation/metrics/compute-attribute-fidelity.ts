import { ATTRIBUTES, CLASSES, type Attribute } from "../../challenge/definition";
import { attributeMetricsFromConfusion } from "../../metrics/compute-attribute-metrics";

/**
 * Attribute fidelity of a conditional generator: for each attribute, the macro-F1 of the
 * organizer's attribute classifier (the feature network's heads) on the generated images,
 * with the attributes the platform requested as the truth. The same macro-F1 as the attributes
 * track (lib/metrics/compute-attribute-metrics.ts: classes present in the requests or the
 * predictions count, a predicted class never requested counts with F1 = 0), so "how well would
 * the attribute classifier label these portraits as asked" reads like a classification score:
 * 1 when every image shows what was asked, about 1 / (classes) for a generator that ignores
 * the request and produces images of one kind, and the classifier's own held-out macro-F1 is
 * roughly the ceiling a perfect generator can reach.
 */
export interface AttributeFidelity {
  gender: number | null;
  hairColor: number | null;
  hairType: number | null;
  /** Mean of the three (of those defined). */
  mean: number | null;
}

const KEYS: Record<Attribute, keyof Omit<AttributeFidelity, "mean">> = {
  Gender: "gender",
  Hair_Color: "hairColor",
  Hair_Type: "hairType",
};

export function computeAttributeFidelity(options: {
  /** Requested class index per image and attribute ([count, 3], canonical class order). */
  requested: ArrayLike<number>;
  /** The classifier's predicted class index per image and attribute ([count, 3]). */
  predicted: ArrayLike<number>;
  count: number;
}): AttributeFidelity {
  const { requested, predicted, count } = options;
  const width = ATTRIBUTES.length;
  if (requested.length !== count * width || predicted.length !== count * width)
    throw new Error(
      `attribute fidelity: expected ${count} x ${width} classes, got ${requested.length} requested and ${predicted.length} predicted`,
    );
  const out: AttributeFidelity = { gender: null, hairColor: null, hairType: null, mean: null };
  const defined: number[] = [];
  ATTRIBUTES.forEach((attr, a) => {
    const k = CLASSES[attr].length;
    const confusion = new Array<number>(k * k).fill(0);
    for (let i = 0; i < count; i++) {
      const t = requested[i * width + a];
      const p = predicted[i * width + a];
      if (!(t >= 0 && t < k && p >= 0 && p < k)) throw new Error(`attribute fidelity: image ${i}: ${attr} class out of range (${t}, ${p})`);
      confusion[t * k + p]++;
    }
    const f1 = attributeMetricsFromConfusion(CLASSES[attr], confusion).macroF1;
    out[KEYS[attr]] = f1;
    if (f1 !== null) defined.push(f1);
  });
  out.mean = defined.length ? defined.reduce((s, x) => s + x, 0) / defined.length : null;
  return out;
}

/**
 * The gallery's grid per requested attribute: for each attribute and class, the first `perValue`
 * image indices (of the whole run, in order) that were requested with that class. Classes never
 * requested get an empty list. Shape: { Gender: { female: [0, 3, 4, 9], male: [...] }, ... }.
 */
export type AttributeGrid = Record<Attribute, Record<string, number[]>>;

export function pickAttributeGrid(options: { requested: ArrayLike<number>; count: number; perValue?: number }): AttributeGrid {
  const perValue = options.perValue ?? 4;
  const width = ATTRIBUTES.length;
  const grid = Object.fromEntries(
    ATTRIBUTES.map((attr) => [attr, Object.fromEntries(CLASSES[attr].map((c) => [c, [] as number[]]))]),
  ) as AttributeGrid;
  let missing = ATTRIBUTES.reduce((s, a) => s + CLASSES[a].length, 0) * perValue;
  for (let i = 0; i < options.count && missing > 0; i++) {
    ATTRIBUTES.forEach((attr, a) => {
      const list = grid[attr][CLASSES[attr][options.requested[i * width + a]]];
      if (list && list.length < perValue) {
        list.push(i);
        missing--;
      }
    });
  }
  return grid;
}
