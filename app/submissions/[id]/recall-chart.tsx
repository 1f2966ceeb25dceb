"use client";
import { Bar, BarChart, CartesianGrid, Cell, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export interface RecallBar {
  label: string;
  recall: number | null;
  support: number;
}

/**
 * Per-class recall of one attribute as bars (0..1). Classes absent from the truth have no bar.
 * `bars` null: the hidden split's per-class numbers are withheld until the private reveal (they
 * would say single images' labels); the frame stays so the page keeps its shape.
 */
export function RecallChart({ title, bars }: { title: string; bars: RecallBar[] | null }) {
  if (bars === null) {
    return (
      <figure className="space-y-1" data-testid="recall-withheld">
        <figcaption className="text-sm font-semibold">{title}: recall per class</figcaption>
        <div className="flex h-52 w-full items-center justify-center rounded border border-dashed border-stone-300 bg-stone-50 p-4 text-center text-sm text-stone-600">
          Withheld until the private reveal
        </div>
      </figure>
    );
  }
  // A class with no true examples has no recall: no bar, and "n/a" under its name.
  const data = bars.map((b) => ({ ...b, value: b.recall, name: b.recall === null ? `${b.label} (n/a)` : b.label }));
  return (
    <figure className="space-y-1">
      <figcaption className="text-sm font-semibold">{title}: recall per class</figcaption>
      <div className="h-52 w-full" aria-hidden>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 18, right: 8, bottom: 0, left: -18 }}>
            <CartesianGrid vertical={false} stroke="#e7e5e4" />
            <XAxis dataKey="name" tick={{ fontSize: 12 }} interval={0} />
            <YAxis domain={[0, 1]} ticks={[0, 0.25, 0.5, 0.75, 1]} tick={{ fontSize: 11 }} />
            <Tooltip
              formatter={(_v, _n, item) => {
                const p = item.payload as RecallBar;
                return [p.recall === null ? "no true examples" : `${p.recall.toFixed(3)} (${p.support} true examples)`, "recall"];
              }}
            />
            {/* minPointSize: a zero recall still gets a sliver and its "0.00" label, unlike a class with no examples. */}
            <Bar dataKey="value" isAnimationActive={false} minPointSize={(v) => (v === 0 ? 2 : 0)}>
              {data.map((d) => (
                <Cell key={d.label} fill={d.recall === null ? "#d6d3d1" : "#0d9488"} />
              ))}
              <LabelList
                dataKey="value"
                position="top"
                formatter={(v) => (typeof v === "number" ? v.toFixed(2) : "")}
                style={{ fontSize: 11 }}
              />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
      {/* The same numbers for screen readers (the chart itself is hidden from them). */}
      <ul className="sr-only">
        {bars.map((b) => (
          <li key={b.label}>
            {b.label}: recall {b.recall === null ? "undefined (no true examples)" : b.recall.toFixed(3)}, {b.support} true examples
          </li>
        ))}
      </ul>
    </figure>
  );
}
