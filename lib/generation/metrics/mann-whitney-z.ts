/**
 * The Mann-Whitney U statistic of sample `a` against sample `b`, as a z-score under the normal
 * approximation:
 *
 *   U = #{(x in a, y in b) : x > y} + 0.5 #{x = y},   z = (U - m n / 2) / sqrt(m n (m + n + 1) / 12)
 *
 * computed from average ranks of the pooled sample (O((m + n) log(m + n)), not O(m n)). z < 0 means
 * `a` tends to be smaller than `b`. No tie correction of the variance: it only matters when many
 * values tie, and then the exact copies it would come from are flagged anyway.
 */
export function mannWhitneyZ(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const m = a.length;
  const n = b.length;
  if (m === 0 || n === 0) throw new Error("mannWhitneyZ needs two non-empty samples");
  const pooled: { v: number; fromA: boolean }[] = [];
  for (let i = 0; i < m; i++) pooled.push({ v: a[i], fromA: true });
  for (let i = 0; i < n; i++) pooled.push({ v: b[i], fromA: false });
  pooled.sort((p, q) => p.v - q.v);
  let rankSumA = 0;
  for (let i = 0; i < pooled.length;) {
    let j = i;
    while (j + 1 < pooled.length && pooled[j + 1].v === pooled[i].v) j++;
    const rank = (i + j) / 2 + 1; // average 1-based rank of the tied run
    for (let t = i; t <= j; t++) if (pooled[t].fromA) rankSumA += rank;
    i = j + 1;
  }
  const u = rankSumA - (m * (m + 1)) / 2;
  return (u - (m * n) / 2) / Math.sqrt((m * n * (m + n + 1)) / 12);
}
