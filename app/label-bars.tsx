/** A tiny server-rendered bar chart of label counts (no client JavaScript needed). */
export function LabelBars({ title, counts }: { title: string; counts: Record<string, number> }) {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  const total = entries.reduce((s, [, n]) => s + n, 0);
  const max = Math.max(1, ...entries.map(([, n]) => n));
  return (
    <figure className="rounded border border-stone-200 bg-white p-3">
      <figcaption className="mb-2 text-sm font-semibold">{title} (train)</figcaption>
      <dl className="space-y-1 text-xs">
        {entries.map(([label, n]) => (
          <div key={label} className="grid grid-cols-[4.5rem_1fr_auto] items-center gap-2">
            <dt className="font-mono">{label}</dt>
            <dd aria-hidden className="h-3 rounded bg-stone-100">
              <div className="h-3 rounded bg-teal-600" style={{ width: `${(100 * n) / max}%` }} />
            </dd>
            <dd className="text-right tabular-nums">
              {n.toLocaleString("en")} <span className="text-stone-500">({((100 * n) / Math.max(1, total)).toFixed(1)}%)</span>
            </dd>
          </div>
        ))}
      </dl>
    </figure>
  );
}
